//! Evidence kept by its SHA-256 under `DATA/evidence/<first two hex>/<hash>`: written once,
//! read-only, whoever keeps the same bytes again (an upload, a captured screenshot, a finding).

use sha2::{Digest, Sha256};

/// The SHA-256 of some bytes, in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes the bytes at their SHA-256 unless they are there already; the file is made read-only.
pub fn keep(dir: &std::path::Path, sha: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let sub = dir.join(&sha[..2]);
    std::fs::create_dir_all(&sub)?;
    let path = sub.join(sha);
    if path.exists() {
        return Ok(());
    }
    let mut tmp = tempfile::NamedTempFile::new_in(&sub)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.as_file().sync_all()?;
    let mut perms = tmp.as_file().metadata()?.permissions();
    perms.set_readonly(true);
    tmp.as_file().set_permissions(perms)?;
    match tmp.persist_noclobber(&path) {
        Ok(_) => Ok(()),
        // Another request kept the same bytes meanwhile: same hash, same file.
        Err(_) if path.exists() => Ok(()),
        Err(e) => Err(e.error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_kept_once_at_its_hash_and_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = b"%PDF-1.7 evidence";
        let sha = sha256(bytes);
        keep(dir.path(), &sha, bytes).unwrap();
        keep(dir.path(), &sha, bytes).unwrap();
        let path = dir.path().join(&sha[..2]).join(&sha);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
        assert_eq!(
            std::fs::read_dir(dir.path().join(&sha[..2]))
                .unwrap()
                .count(),
            1
        );
    }
}
