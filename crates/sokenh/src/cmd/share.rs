//! `sokenh share`: indicators an officer confirmed, shared with other offices as STIX 2.1
//! bundles — confirmed (`add`), listed, exported, imported from another office, revoked — and
//! exchanged over TAXII 2.1 with partners (`partner add|list`, `pull`, `push`).

use super::Ctx;
use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ShareCmd {
    /// Xác nhận một chỉ báo để chia sẻ / confirm an indicator to share
    Add {
        /// url | domain | phone | bank_account | impostor (trang giả mạo kênh chính thức)
        #[arg(long)]
        kind: String,
        #[arg(long)]
        value: String,
        /// Với số điện thoại, số tài khoản: chỉ «scammer» (số của nạn nhân không chia sẻ)
        #[arg(long, default_value = "")]
        role: String,
        /// TLP:CLEAR | TLP:GREEN | TLP:AMBER (mặc định) | TLP:AMBER+STRICT | TLP:RED (không xuất)
        #[arg(long, default_value = "TLP:AMBER")]
        marking: String,
        /// Hồ sơ xác nhận (chỉ lưu tại đơn vị) / the case it was confirmed in
        #[arg(long)]
        case: Option<i64>,
        #[arg(long, default_value = "")]
        name: String,
        /// Số ngày hiệu lực / days until it ends
        #[arg(long)]
        valid_days: Option<u32>,
        /// Với trang giả mạo (--kind impostor): đường dẫn kênh chính thức bị giả
        #[arg(long)]
        impersonates: Option<String>,
        /// Chia sẻ số dạng băm có khóa (mã khóa của `share key`): người nhận có khóa mới so khớp được
        #[arg(long)]
        hash_key: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Danh sách chỉ báo (của đơn vị và nhận được) / the indicators
    List {
        #[arg(long)]
        json: bool,
    },
    /// Ghi gói STIX 2.1 các chỉ báo của đơn vị / write a STIX 2.1 bundle of ours
    Export {
        file: PathBuf,
        /// Chỉ những chỉ báo đổi từ ngày này / only those changed since (YYYY-MM-DD)
        #[arg(long)]
        since: Option<String>,
        /// Ký gói bằng khóa Ed25519 của đơn vị (ghi FILE.sig) / sign it (writes FILE.sig)
        #[arg(long)]
        sign: bool,
    },
    /// Khóa công khai Ed25519 của đơn vị, để đối tác kiểm chữ ký / our public key
    PublicKey,
    /// Nhận gói STIX 2.1 của đơn vị khác / take in another office's bundle
    Import {
        file: PathBuf,
        /// Chỉ nhận khi FILE.sig là chữ ký hợp lệ bằng khóa công khai này / require FILE.sig by this key
        #[arg(long)]
        verify: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Thu hồi chỉ báo của đơn vị / retract one of ours
    Revoke {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Nơi đã gặp từng chỉ báo (số bài theo đơn vị, không có bài) / where each was seen
    Sightings {
        #[arg(long)]
        json: bool,
    },
    /// Đối tác trao đổi qua TAXII 2.1 / partners exchanged with over TAXII 2.1
    #[command(subcommand)]
    Partner(PartnerCmd),
    /// Khóa băm số điện thoại, số tài khoản / keys for keyed hashes of numbers
    #[command(subcommand)]
    Key(KeyCmd),
    /// Lấy chỉ báo mới từ đối tác / pull what partners added since the last pull
    Pull {
        /// Chỉ đối tác này / only this partner (all with an address otherwise)
        #[arg(long)]
        partner: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Gửi chỉ báo mới cho đối tác / push what partners may see and were not sent
    Push {
        #[arg(long)]
        partner: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum KeyCmd {
    /// Tạo khóa mới / a new key
    New {
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Ghi khóa ra tệp để trao cho đối tác / write a key to hand to partners
    Export {
        id: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Nhận khóa của đối tác / take in a partner's key
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Các khóa đang giữ (không in khóa) / the keys held (never the keys)
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum PartnerCmd {
    /// Thêm đối tác; in mã truy cập cấp cho đối tác (một lần) / add a partner; prints its token once
    Add {
        #[arg(long)]
        name: String,
        /// Mã tỉnh (danh mục GSO 2025) của đối tác: TLP:AMBER chỉ gửi trong tỉnh
        #[arg(long)]
        province: u32,
        /// Địa chỉ API root TAXII của đối tác (…/taxii2/api1/)
        #[arg(long)]
        url: Option<String>,
        /// Tệp chứa mã truy cập đối tác cấp cho đơn vị (không in ra, lưu đã niêm phong)
        #[arg(long)]
        token_file: Option<PathBuf>,
        /// Quyền của mã cấp cho đối tác: read | write | both
        #[arg(long, default_value = "read")]
        access: String,
        /// Số ngày hiệu lực của mã cấp cho đối tác
        #[arg(long, default_value_t = 365)]
        valid_days: u32,
        #[arg(long)]
        json: bool,
    },
    /// Danh sách đối tác và lần trao đổi gần nhất / partners and their last exchanges
    List {
        #[arg(long)]
        json: bool,
    },
}

fn exchanges_json(all: &[app::exchange::Exchange]) -> serde_json::Value {
    all.iter()
        .map(|e| {
            json!({
                "partner": e.partner, "objects": e.objects, "added": e.added, "updated": e.updated,
                "unchanged": e.unchanged, "revoked": e.revoked,
                "rejected": e.rejected.iter().map(|(id, why)| json!({"id": id, "reason": why})).collect::<Vec<_>>(),
                "error": e.error,
            })
        })
        .collect()
}

pub fn run(ctx: &Ctx, what: ShareCmd) -> Result<()> {
    let app = ctx.app()?;
    let cli = app::Actor::cli();
    match what {
        ShareCmd::Add {
            kind,
            value,
            role,
            marking,
            case,
            name,
            valid_days,
            impersonates,
            hash_key,
            json,
        } => {
            let i = app.add_indicator(
                &cli,
                app::sharing::NewIndicator {
                    kind,
                    value,
                    role,
                    marking,
                    case,
                    name,
                    valid_days,
                    impersonates,
                    hash_key,
                },
            )?;
            if json {
                println!(
                    "{}",
                    json!({"id": i.stix_id, "kind": i.kind, "value": i.value, "marking": i.marking, "valid_until": i.valid_until})
                );
            } else {
                println!(
                    "Đã xác nhận chỉ báo {} ({} {}, {}, hết hạn {}).",
                    i.stix_id,
                    i.kind,
                    i.value,
                    i.marking,
                    i.valid_until.as_deref().unwrap_or("—")
                );
            }
            Ok(())
        }
        ShareCmd::List { json } => {
            let all = app.indicators(&cli)?;
            if json {
                let rows: Vec<_> = all
                    .iter()
                    .map(|i| {
                        json!({
                            "id": i.stix_id, "kind": i.kind, "value": i.value, "origin": i.origin_name,
                            "local": i.local, "modified": i.modified, "valid_until": i.valid_until,
                            "revoked": i.revoked, "marking": i.marking,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for i in &all {
                    println!(
                        "{} {:<12} {:<40} {:<16} {}{}",
                        i.stix_id,
                        i.kind,
                        i.value,
                        i.marking,
                        if i.local {
                            "của đơn vị".to_owned()
                        } else {
                            format!("từ {}", i.origin_name)
                        },
                        if i.revoked { " (đã thu hồi)" } else { "" }
                    );
                }
            }
            Ok(())
        }
        ShareCmd::PublicKey => {
            println!("{}", app.signing_public_key()?);
            Ok(())
        }
        ShareCmd::Export { file, since, sign } => {
            if let Some(d) = &since {
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .with_context(|| format!("--since «{d}» không phải ngày YYYY-MM-DD"))?;
            }
            let (bundle, n) = app.export_bundle(&cli, since.as_deref())?;
            std::fs::write(&file, &bundle).with_context(|| file.display().to_string())?;
            if sign {
                let sig = app.sign_bundle(&cli, bundle.as_bytes())?;
                let sig_file = signature_file(&file);
                std::fs::write(&sig_file, serde_json::to_string_pretty(&sig)?)
                    .with_context(|| sig_file.display().to_string())?;
                println!("Đã ký gói: {}", sig_file.display());
            }
            println!("Đã ghi {n} chỉ báo vào {}", file.display());
            Ok(())
        }
        ShareCmd::Import { file, verify, json } => {
            let text =
                std::fs::read_to_string(&file).with_context(|| file.display().to_string())?;
            if let Some(key) = &verify {
                let sig_file = signature_file(&file);
                let sig: app::sharing::BundleSignature = serde_json::from_str(
                    &std::fs::read_to_string(&sig_file)
                        .with_context(|| format!("thiếu chữ ký {}", sig_file.display()))?,
                )
                .with_context(|| format!("{} không phải tệp chữ ký", sig_file.display()))?;
                app::sharing::verify_bundle(text.as_bytes(), &sig, key)?;
            }
            let r = app.import_bundle(&cli, &text)?;
            if json {
                println!(
                    "{}",
                    json!({
                        "added": r.added, "updated": r.updated, "unchanged": r.unchanged, "revoked": r.revoked,
                        "rejected": r.rejected.iter().map(|(id, why)| json!({"id": id, "reason": why})).collect::<Vec<_>>(),
                    })
                );
            } else {
                println!(
                    "Thêm {}, cập nhật {}, không đổi {}, thu hồi {}, không nhận {}.",
                    r.added,
                    r.updated,
                    r.unchanged,
                    r.revoked,
                    r.rejected.len()
                );
                for (id, why) in &r.rejected {
                    println!("  {id}: {why}");
                }
            }
            Ok(())
        }
        ShareCmd::Partner(PartnerCmd::Add {
            name,
            province,
            url,
            token_file,
            access,
            valid_days,
            json,
        }) => {
            let (can_read, can_write) = match access.as_str() {
                "read" => (true, false),
                "write" => (false, true),
                "both" => (true, true),
                other => anyhow::bail!("--access «{other}»: read, write hoặc both"),
            };
            let remote_token = match &token_file {
                Some(f) => Some(
                    std::fs::read_to_string(f)
                        .with_context(|| f.display().to_string())?
                        .trim()
                        .to_owned(),
                ),
                None => None,
            };
            let (p, token) = app.add_partner(
                &cli,
                app::exchange::NewPartner {
                    name,
                    province,
                    url,
                    remote_token,
                    can_read,
                    can_write,
                    valid_days,
                },
            )?;
            if json {
                println!(
                    "{}",
                    json!({"id": p.id, "name": p.name, "province": p.province, "url": p.url, "token": token})
                );
            } else {
                println!(
                    "Đã thêm đối tác {} (tỉnh {}). Mã truy cập cấp cho đối tác (chỉ in một lần):\n{token}",
                    p.name, p.province
                );
            }
            Ok(())
        }
        ShareCmd::Partner(PartnerCmd::List { json }) => {
            let all = app.partners(&cli)?;
            if json {
                println!("{}", serde_json::to_string(&all)?);
            } else {
                for p in &all {
                    println!(
                        "{:<28} tỉnh {:<3} {:<44} lấy {} (lần cuối {}), gửi {} (lần cuối {}){}",
                        p.name,
                        p.province,
                        p.url.as_deref().unwrap_or("—"),
                        p.pulled,
                        p.last_pull.as_deref().unwrap_or("—"),
                        p.pushed,
                        p.last_push.as_deref().unwrap_or("—"),
                        p.last_error
                            .as_deref()
                            .map(|e| format!(" — lỗi: {e}"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(())
        }
        ShareCmd::Key(KeyCmd::New { name, json }) => {
            let k = app.new_share_key(&cli, &name)?;
            if json {
                println!("{}", json!({"id": k.id, "name": k.name}));
            } else {
                println!(
                    "Đã tạo khóa {} («{}»). Trao cho đối tác bằng: sokenh share key export {} --out TỆP",
                    k.id, k.name, k.id
                );
            }
            Ok(())
        }
        ShareCmd::Key(KeyCmd::Export { id, out }) => {
            let text = app.export_share_key(&cli, &id)?;
            app::write_private_file(&out, &text)?;
            println!(
                "Đã ghi khóa {id} vào {} (chỉ chủ tệp đọc được; trao cho đối tác qua kênh an toàn).",
                out.display()
            );
            Ok(())
        }
        ShareCmd::Key(KeyCmd::Import { file, json }) => {
            let text =
                std::fs::read_to_string(&file).with_context(|| file.display().to_string())?;
            let k = app.import_share_key(&cli, &text)?;
            if json {
                println!("{}", json!({"id": k.id, "name": k.name}));
            } else {
                println!("Đã nhận khóa {} («{}»).", k.id, k.name);
            }
            Ok(())
        }
        ShareCmd::Key(KeyCmd::List { json }) => {
            let keys = app.share_key_list(&cli)?;
            if json {
                println!("{}", serde_json::to_string(&keys)?);
            } else {
                for k in &keys {
                    println!("{}  {}", k.id, k.name);
                }
            }
            Ok(())
        }
        ShareCmd::Sightings { json } => {
            let rows = app.sightings_overview(&cli)?;
            if json {
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                for r in &rows {
                    let offices: Vec<String> = r
                        .offices
                        .iter()
                        .map(|(o, n)| format!("{o} ({n})"))
                        .collect();
                    println!(
                        "{:<12} {:<40} của {} — gặp ở {} đơn vị, {} bài: {}",
                        r.kind,
                        r.value,
                        r.origin,
                        r.offices.len(),
                        r.posts,
                        offices.join(", ")
                    );
                }
            }
            Ok(())
        }
        ShareCmd::Pull { partner, json } => {
            let all = app.pull(&cli, partner.as_deref())?;
            report(&all, json, "Lấy")
        }
        ShareCmd::Push { partner, json } => {
            let all = app.push(&cli, partner.as_deref())?;
            report(&all, json, "Gửi")
        }
        ShareCmd::Revoke { id, reason } => {
            let i = app.revoke_indicator(&cli, &id, &reason)?;
            println!(
                "Đã thu hồi chỉ báo {} ({}); lần xuất sau mang theo việc thu hồi.",
                i.stix_id, i.value
            );
            Ok(())
        }
    }
}

/// Prints what each exchange did; exits 1 when one failed (after printing all).
fn report(all: &[app::exchange::Exchange], json: bool, verb: &str) -> Result<()> {
    if json {
        println!("{}", exchanges_json(all));
    } else {
        for e in all {
            match &e.error {
                Some(err) => println!("{}: lỗi — {err}", e.partner),
                None => println!(
                    "{}: {verb} {} đối tượng; thêm {}, cập nhật {}, không đổi {}, thu hồi {}, không nhận {}.",
                    e.partner,
                    e.objects,
                    e.added,
                    e.updated,
                    e.unchanged,
                    e.revoked,
                    e.rejected.len()
                ),
            }
        }
        if all.is_empty() {
            println!("Chưa có đối tác nào có địa chỉ TAXII (sokenh share partner add … --url …).");
        }
    }
    if let Some(e) = all.iter().find(|e| e.error.is_some()) {
        anyhow::bail!(
            "trao đổi với {} không thành: {}",
            e.partner,
            e.error.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

/// `FILE.sig` beside `FILE`.
fn signature_file(file: &std::path::Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}
