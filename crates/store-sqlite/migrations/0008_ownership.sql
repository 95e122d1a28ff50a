-- A member's claim to own an account keeps that account's raw handle on later posts only once
-- an officer or the unit's administrator has decided it: 'confirmed' or 'rejected'. Undecided
-- and rejected claims change nothing; a confirmation never touches posts stored before it.
CREATE TABLE ownership_decisions (
    member_id INTEGER NOT NULL REFERENCES members(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (member_id, community_id)
);
