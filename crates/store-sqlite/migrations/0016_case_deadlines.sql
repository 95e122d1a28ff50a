-- Case deadlines and merged cases: when a case is due (set when it opens, by the office's
-- deadline for its category and severity), when its first action was taken, and the case it is
-- merged into (its alerts, evidence and timeline stay its own and are shown with that case's
-- until it is un-merged). The deadlines an office set, in hours, by category ('*': any) and
-- severity; a pair not set takes the built-in one.
ALTER TABLE cases ADD COLUMN due_at TEXT;
ALTER TABLE cases ADD COLUMN first_action_at TEXT;
ALTER TABLE cases ADD COLUMN merged_into INTEGER REFERENCES cases(id);
CREATE TABLE case_deadlines (
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    hours INTEGER NOT NULL,
    PRIMARY KEY (category, severity)
);
