-- An avatar's hash turned the seven other ways (mirrored, rotated), space-separated hex in the
-- order of media::pdq::Dihedral::ALL[1..]; empty for avatars recorded before.
ALTER TABLE community_avatars ADD COLUMN turned TEXT NOT NULL DEFAULT '';
