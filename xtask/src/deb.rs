//! `cargo xtask deb [BINARY [OUT]]`: the Debian package of a built `sokenh` (default
//! `target/dist/sokenh`, the `dist` profile's; CI packages the binary its tests built): the
//! binary stripped to `/usr/bin`, the configuration `/etc/sokenh/sokenh.toml` (a conffile: an
//! upgrade keeps the office's edits), the systemd unit with its sandboxing, the maintainer
//! scripts (the `sokenh` system user, `/var/lib/sokenh`, a self-signed certificate for a closed
//! network) and README.Debian — all from `packaging/` — assembled by `dpkg-deb`.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("không chạy được {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} thất bại: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

pub fn build(binary: &Path, out: Option<PathBuf>) -> Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let packaging = root.join("packaging");
    anyhow::ensure!(
        binary.is_file(),
        "không có {}: dựng trước (cargo build --profile dist -p sokenh)",
        binary.display()
    );
    // The version the binary says it is ("sokenh 0.1.0").
    let version = run(Command::new(binary).arg("--version"))?
        .rsplit(' ')
        .next()
        .unwrap_or("0.0.0")
        .to_owned();
    let arch = run(Command::new("dpkg").arg("--print-architecture"))?;
    let stage = tempfile::tempdir()?;
    let s = stage.path();
    let put = |from: &Path, to: &str, mode: u32| -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dest = s.join(to);
        std::fs::create_dir_all(dest.parent().expect("a path in the package"))?;
        std::fs::copy(from, &dest).with_context(|| format!("chép {} vào gói", from.display()))?;
        std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(mode))?;
        Ok(())
    };
    put(binary, "usr/bin/sokenh", 0o755)?;
    // Debug information stays out of the package (a build with line tables is several times
    // larger); `strip` is in binutils, present wherever the binary was linked.
    run(Command::new("strip")
        .arg("--strip-debug")
        .arg(s.join("usr/bin/sokenh")))?;
    put(
        &packaging.join("sokenh.toml"),
        "etc/sokenh/sokenh.toml",
        0o644,
    )?;
    put(
        &packaging.join("sokenh.service"),
        "lib/systemd/system/sokenh.service",
        0o644,
    )?;
    put(
        &packaging.join("README.Debian"),
        "usr/share/doc/sokenh/README.Debian",
        0o644,
    )?;
    put(&packaging.join("postinst"), "DEBIAN/postinst", 0o755)?;
    put(&packaging.join("prerm"), "DEBIAN/prerm", 0o755)?;
    put(&packaging.join("postrm"), "DEBIAN/postrm", 0o755)?;
    std::fs::write(s.join("DEBIAN/conffiles"), "/etc/sokenh/sokenh.toml\n")?;
    let size_kib = walk_size(&s.join("usr"))? / 1024;
    std::fs::write(
        s.join("DEBIAN/control"),
        format!(
            "Package: sokenh\n\
             Version: {version}\n\
             Architecture: {arch}\n\
             Maintainer: sokenh <sokenh@localhost>\n\
             Installed-Size: {size_kib}\n\
             Depends: libc6, adduser\n\
             Recommends: tesseract-ocr-vie, libreoffice-writer-nogui\n\
             Suggests: postgresql\n\
             Section: admin\n\
             Priority: optional\n\
             Description: Sổ kênh: sổ đăng ký trang, kênh, nhóm trên không gian mạng\n \
             One binary with a Vietnamese web application for a commune office: the register of\n \
             pages, channels and groups, official channels and impostors, members' declarations,\n \
             detection of scams and leaks, cases with evidence, and the periodic report.\n"
        ),
    )?;
    let out = out.unwrap_or_else(|| root.join(format!("target/sokenh_{version}_{arch}.deb")));
    run(Command::new("dpkg-deb")
        .args(["--root-owner-group", "--build"])
        .arg(s)
        .arg(&out))?;
    let bytes = std::fs::metadata(&out)?.len();
    println!(
        "{}: {:.1} MB (sokenh {version}, {arch}; installed {:.1} MB)",
        out.display(),
        bytes as f64 / 1e6,
        size_kib as f64 / 1024.0
    );
    Ok(out)
}

fn walk_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let m = e.metadata()?;
        total += if m.is_dir() {
            walk_size(&e.path())?
        } else {
            m.len()
        };
    }
    Ok(total)
}
