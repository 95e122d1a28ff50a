//! Exchanging indicators with other offices over TAXII 2.1: the partners (another commune, the
//! province), the API token each is given (read our collection, write to it, or both), the
//! token each gave us (sealed at rest with a key derived from the data dir's key), what a
//! partner may be served (TLP 2.0: `TLP:CLEAR` and `TLP:GREEN` to any partner, `TLP:AMBER`
//! only to partners of our own province, `TLP:AMBER+STRICT` and `TLP:RED` to none), what a
//! partner posts to us (taken in as a bundle would be, with a TAXII status resource kept so it
//! can ask again), and the client side: `pull` (the partner's objects added after the last
//! pull, page by page) and `push` (what we hold that it may see and has not been sent).
//!
//! A received indicator is relayed as it came (its publisher's `created_by_ref`), so a commune's
//! confirmation reaches its neighbours through the province and names the commune that made it.

use crate::sharing::TaxiiPage;
use crate::{Actor, App, Error};
use domain::{Permission, SharePartner, SharedIndicator};
use serde_json::{Value, json};

/// Who asks the TAXII server: one of the office's own accounts or tokens, or a partner.
#[derive(Clone, Debug)]
pub enum Audience {
    Staff(Actor),
    Partner(Box<SharePartner>),
}

/// A partner to add.
#[derive(Clone, Debug)]
pub struct NewPartner {
    pub name: String,
    /// Its GSO province code.
    pub province: u32,
    /// Its TAXII API root, to pull from and push to.
    pub url: Option<String>,
    /// The API token it issued to us (sealed before it is kept).
    pub remote_token: Option<String>,
    /// What the token we issue to it may do on our collection.
    pub can_read: bool,
    pub can_write: bool,
    /// Days until the token we issue ends.
    pub valid_days: u32,
}

/// What one pull or push did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Exchange {
    pub partner: String,
    /// Objects fetched (pull) or sent (push).
    pub objects: u64,
    /// Pull: indicators added here; push: indicators the partner accepted.
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub revoked: u64,
    /// (id, why) of what the other side could not take, or we could not.
    pub rejected: Vec<(String, String)>,
    pub error: Option<String>,
}

/// Where one shared indicator was seen (in aggregate: offices and post counts, never posts).
#[derive(Clone, Debug, serde::Serialize)]
pub struct SightingRow {
    pub indicator: String,
    pub kind: String,
    pub value: String,
    /// The office that published the indicator.
    pub origin: String,
    /// (office, posts), most posts first.
    pub offices: Vec<(String, i64)>,
    pub posts: i64,
}

const TAXII: &str = "application/taxii+json;version=2.1";

/// The signal reference a post matching this indicator raises (`detect::urls`,
/// `detect::numbers`).
fn match_reference(kind: &str, value: &str) -> String {
    match kind {
        "url" | "impostor" => format!("blocklist:{}", detect::urls::without_scheme(value)),
        "domain" => format!("blocklist:{value}"),
        k => format!("known:{k}:{value}"),
    }
}

/// The province a GSO code of ours names: a ward's province, or a province's own code.
pub(crate) fn province_of_root(root: &domain::Unit) -> Option<u32> {
    if let Some(c) = root.locality_code {
        return domain::ward_by_code(c).map(|w| u32::from(w.province_code));
    }
    // A province's own office (no ward code): its name carries the province's
    // ("Tỉnh ủy Thanh Hóa" is in Tỉnh Thanh Hóa).
    let name = text::fold(&root.name);
    domain::admin_units()
        .iter()
        .find(|u| {
            let p = text::fold(&u.province_name);
            let bare = p
                .strip_prefix("tinh ")
                .or_else(|| p.strip_prefix("thanh pho "))
                .unwrap_or(&p);
            name.ends_with(bare)
        })
        .map(|u| u32::from(u.province_code))
}

fn seal_key(data_dir: &std::path::Path) -> Result<ring::aead::LessSafeKey, Error> {
    let key = crate::posts::pseudonym_key(data_dir)?;
    let derived = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key),
        b"sokenh share-partner token seal v1",
    );
    let unbound =
        ring::aead::UnboundKey::new(&ring::aead::CHACHA20_POLY1305, &derived.as_ref()[..32])
            .map_err(|_| anyhow::anyhow!("khóa niêm phong không dựng được"))?;
    Ok(ring::aead::LessSafeKey::new(unbound))
}

/// A secret sealed (ChaCha20-Poly1305, random nonce) as hex `nonce || ciphertext`.
pub(crate) fn seal(data_dir: &std::path::Path, secret: &str) -> Result<String, Error> {
    let key = seal_key(data_dir)?;
    let mut nonce = [0u8; 12];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce)
        .map_err(|_| anyhow::anyhow!("không lấy được số ngẫu nhiên"))?;
    let mut buf = secret.as_bytes().to_vec();
    key.seal_in_place_append_tag(
        ring::aead::Nonce::assume_unique_for_key(nonce),
        ring::aead::Aad::empty(),
        &mut buf,
    )
    .map_err(|_| anyhow::anyhow!("không niêm phong được"))?;
    Ok(format!("{}{}", hex::encode(nonce), hex::encode(buf)))
}

pub(crate) fn unseal(data_dir: &std::path::Path, sealed: &str) -> Result<String, Error> {
    let bytes = hex::decode(sealed).map_err(|_| anyhow::anyhow!("mã niêm phong hỏng"))?;
    if bytes.len() < 12 + 16 {
        return Err(anyhow::anyhow!("mã niêm phong hỏng").into());
    }
    let key = seal_key(data_dir)?;
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&bytes[..12]);
    let mut buf = bytes[12..].to_vec();
    let plain = key
        .open_in_place(
            ring::aead::Nonce::assume_unique_for_key(nonce),
            ring::aead::Aad::empty(),
            &mut buf,
        )
        .map_err(|_| {
            anyhow::anyhow!("không mở được mã của đối tác (khóa của thư mục dữ liệu đã đổi?)")
        })?;
    Ok(String::from_utf8_lossy(plain).into_owned())
}

/// A timestamp as the store writes it (UTC, milliseconds, `Z`), from any RFC 3339 form.
fn normalized(ts: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|t| crate::utc_stamp(t.with_timezone(&chrono::Utc)))
}

impl App {
    /// The province this office is in (its root unit's ward, or a province office's name).
    pub fn our_province(&self) -> Result<Option<u32>, Error> {
        let units = self.store()?.units()?;
        Ok(units
            .iter()
            .find(|u| u.parent.is_none())
            .and_then(province_of_root))
    }

    /// Whether an object with this marking may go to this audience.
    fn may_see(audience: &Audience, our_province: Option<u32>, marking: &str) -> bool {
        match (audience, marking) {
            (_, "TLP:RED") => false,
            (Audience::Staff(_), _) => true,
            (Audience::Partner(_), "TLP:AMBER+STRICT") => false,
            (Audience::Partner(p), "TLP:AMBER") => our_province == Some(p.province),
            (Audience::Partner(_), _) => true,
        }
    }

    /// A partner added: the API token it is given (returned once, never kept in the clear),
    /// the token it gave us sealed. Refused: no name, a province that is not one, neither
    /// right, a name kept already (conflict).
    pub fn add_partner(
        &self,
        actor: &Actor,
        new: NewPartner,
    ) -> Result<(SharePartner, String), Error> {
        actor.require(Permission::Administer)?;
        let name = new.name.trim().to_owned();
        if name.is_empty() {
            return Err(Error::invalid("name", "Cần tên đối tác."));
        }
        if !domain::admin_units()
            .iter()
            .any(|u| u32::from(u.province_code) == new.province)
        {
            return Err(Error::invalid(
                "province",
                format!(
                    "Mã tỉnh {} không có trong danh mục hành chính 2025.",
                    new.province
                ),
            ));
        }
        if let Some(u) = &new.url
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            return Err(Error::invalid(
                "url",
                "Địa chỉ TAXII phải bắt đầu bằng http:// hoặc https:// (ví dụ https://tinh.example.vn/taxii2/api1/).",
            ));
        }
        if !(new.can_read || new.can_write) {
            return Err(Error::invalid(
                "access",
                "Mã cấp cho đối tác cần được đọc, được gửi, hoặc cả hai.",
            ));
        }
        let sealed = match new.remote_token.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => Some(seal(self.data_dir(), t)?),
            _ => None,
        };
        let mut s = self.store()?;
        // Refused before a token is made for it.
        if s.partners()?.iter().any(|p| p.name == name) {
            return Err(Error::conflict(format!("Đã có đối tác «{name}».")));
        }
        let (token, sha) = crate::accounts::new_token();
        let days = new.valid_days.clamp(1, crate::accounts::TOKEN_DAYS_MAX);
        let token_id = s.create_token(
            &actor.name,
            &domain::ApiToken {
                id: 0,
                name: format!("partner:{name}"),
                // A partner's token opens the TAXII server only (the web layer refuses it
                // elsewhere); the member role reads nothing else.
                role: domain::Role::Member,
                unit: None,
                created_by: String::new(),
                created_at: String::new(),
                revoked: false,
                expires_at: Some(crate::utc_stamp(
                    chrono::Utc::now() + chrono::Duration::days(i64::from(days)),
                )),
                commune: None,
            },
            &sha,
        )?;
        let mut p = SharePartner {
            id: 0,
            name,
            province: new.province,
            url: new
                .url
                .map(|u| if u.ends_with('/') { u } else { format!("{u}/") }),
            sealed_token: sealed,
            token_id: Some(token_id),
            can_read: new.can_read,
            can_write: new.can_write,
            pull_cursor: None,
            push_cursor: None,
            last_pull: None,
            last_push: None,
            last_error: None,
            pulled: 0,
            pushed: 0,
            created_by: actor.name.clone(),
            created_at: crate::now_utc(),
        };
        p.id = s.add_partner(&actor.name, &p)?;
        Ok((p, token))
    }

    /// The partners, with their last exchanges.
    pub fn partners(&self, actor: &Actor) -> Result<Vec<SharePartner>, Error> {
        actor.require_province(Permission::ViewCases)?;
        Ok(self.store()?.partners()?)
    }

    /// The partner an API token was issued to (the TAXII server's caller).
    pub fn partner_by_token(&self, token_id: i64) -> Result<Option<SharePartner>, Error> {
        Ok(self.store()?.partner_by_token(token_id)?)
    }

    /// The collection's objects for a TAXII client, in the order they were added here: the
    /// indicators this audience may see (ours and those received, relayed as they came; revoked
    /// versions included so a retraction travels) and the sightings it may see, after `after` —
    /// `added_after`, or the previous page's `next` (`date|id`) —; before them, the identities
    /// of the offices that published them; at most `limit` objects in all (one object and its
    /// publisher at least).
    pub fn taxii_page(
        &self,
        audience: &Audience,
        after: Option<&str>,
        limit: usize,
    ) -> Result<TaxiiPage, Error> {
        match audience {
            Audience::Staff(a) => a.require_province(Permission::ViewCases)?,
            Audience::Partner(p) if !p.can_read => {
                return Err(Error::new(
                    crate::ErrorKind::Forbidden,
                    "Mã truy cập của đối tác này không được đọc.",
                ));
            }
            Audience::Partner(_) => {}
        }
        let after = match after {
            None => None,
            Some(a) => {
                let (date, id) = a.split_once('|').unwrap_or((a, ""));
                let date = normalized(date).ok_or_else(|| {
                    Error::invalid("added_after", "added_after (hoặc next) không đúng RFC 3339")
                })?;
                Some((date, id.to_owned()))
            }
        };
        let province = self.our_province()?;
        let (ours, _, our_identity) = self.our_identity()?;
        let mut s = self.store()?;
        // (date added, id, publisher, its name, the object, its version)
        let mut all: Vec<(String, String, String, String, String, String)> = s
            .indicators()?
            .into_iter()
            .filter(|i| Self::may_see(audience, province, &i.marking))
            .map(|i| {
                (
                    i.added,
                    i.stix_id,
                    i.origin,
                    i.origin_name,
                    i.object,
                    i.modified,
                )
            })
            .collect();
        all.extend(
            s.sightings()?
                .into_iter()
                .filter(|x| Self::may_see(audience, province, &x.marking))
                .map(|x| {
                    let version = serde_json::from_str::<Value>(&x.object)
                        .ok()
                        .and_then(|o| o["modified"].as_str().map(str::to_owned))
                        .unwrap_or_else(|| x.added.clone());
                    (
                        x.added,
                        x.stix_id,
                        x.sighted_by,
                        x.sighted_by_name,
                        x.object,
                        version,
                    )
                }),
        );
        all.retain(|(added, id, ..)| {
            // `added_after` is strict; `next` also orders the objects added in one instant.
            after.as_ref().is_none_or(|(d, after_id)| {
                *added > *d || (!after_id.is_empty() && added == d && id > after_id)
            })
        });
        all.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        // The identities of the publishers count against the limit too (clients such as
        // taxii2-client take a page's length as the server's limit); one object at least.
        let limit = limit.clamp(1, 1000);
        // An impostor page's indicator travels with its companions (the page, the official
        // channel, the relationship): they count too.
        let companions: Vec<Vec<Value>> = all
            .iter()
            .map(|a| {
                serde_json::from_str::<Value>(&a.4)
                    .map(|o| crate::sharing::companions(&o))
                    .unwrap_or_default()
            })
            .collect();
        let mut publishers = std::collections::HashSet::new();
        let (mut taken, mut size) = (0, 0);
        for (a, with) in all.iter().zip(&companions) {
            let new_publisher = !publishers.contains(&a.2);
            let grown = size + 1 + with.len() + usize::from(new_publisher);
            if taken > 0 && grown > limit {
                break;
            }
            publishers.insert(a.2.clone());
            taken += 1;
            size = grown;
        }
        let more = all.len() > taken;
        all.truncate(taken);
        let mut origins: Vec<(String, String)> =
            all.iter().map(|a| (a.2.clone(), a.3.clone())).collect();
        origins.sort();
        origins.dedup_by(|a, b| a.0 == b.0);
        let identities = origins.into_iter().map(|(id, name)| {
            if id == ours {
                our_identity.clone()
            } else {
                json!({
                    "type": "identity", "spec_version": "2.1", "id": id,
                    "created": "2025-07-01T00:00:00.000Z", "modified": "2025-07-01T00:00:00.000Z",
                    "name": name, "identity_class": "organization", "sectors": ["government-local"],
                })
            }
        });
        let objects: Vec<Value> = identities
            .chain(all.iter().zip(companions).flat_map(|(a, with)| {
                serde_json::from_str::<Value>(&a.4)
                    .ok()
                    .into_iter()
                    .chain(with)
            }))
            .collect();
        Ok(TaxiiPage {
            objects,
            manifest: all
                .iter()
                .map(|a| (a.1.clone(), a.0.clone(), a.5.clone()))
                .collect(),
            more,
            next: all
                .last()
                .filter(|_| more)
                .map(|a| format!("{}|{}", a.0, a.1)),
            first: all.first().map(|a| a.0.clone()),
            last: all.last().map(|a| a.0.clone()),
        })
    }

    /// Our sightings counted again from the signals shared indicators raised (posts, first and
    /// last time), written where they grew: what `push`, the export and the sharing page carry.
    pub fn refresh_sightings(&self, actor: &str) -> Result<(), Error> {
        let (ours, our_name, _) = self.our_identity()?;
        let mut s = self.store()?;
        let matches: std::collections::HashMap<String, (i64, String, String)> = s
            .shared_matches()?
            .into_iter()
            .map(|(r, n, first, last)| (r, (n, first, last)))
            .collect();
        if matches.is_empty() {
            return Ok(());
        }
        let now = crate::now_utc();
        let mut fresh = Vec::new();
        for i in s.indicators()? {
            let Some((n, first, last)) = matches.get(&match_reference(&i.kind, &i.value)) else {
                continue;
            };
            let (first, last) = (
                normalized(first).unwrap_or_else(|| now.clone()),
                normalized(last).unwrap_or_else(|| now.clone()),
            );
            let id = format!(
                "sighting--{}",
                crate::sharing::uuid5(
                    &crate::sharing::STIX_NAMESPACE,
                    &format!("{}|{ours}", i.stix_id)
                )
            );
            let object = json!({
                "type": "sighting",
                "spec_version": "2.1",
                "id": id,
                "created": first,
                "modified": now,
                "created_by_ref": ours,
                "sighting_of_ref": i.stix_id,
                "where_sighted_refs": [ours],
                "count": n,
                "first_seen": first,
                "last_seen": last,
                "description": format!("Gặp trong {n} bài đăng tại {our_name}"),
                "object_marking_refs": crate::sharing::marking_ref(&i.marking).into_iter().collect::<Vec<_>>(),
            });
            fresh.push(domain::IndicatorSighting {
                stix_id: id,
                indicator_id: i.stix_id,
                sighted_by: ours.clone(),
                sighted_by_name: our_name.clone(),
                count: *n,
                first_seen: first,
                last_seen: last,
                local: true,
                marking: i.marking,
                object: object.to_string(),
                added: String::new(),
            });
        }
        s.keep_sightings(actor, "share.sightings", "local", &fresh)?;
        Ok(())
    }

    /// Where each shared indicator was seen: the offices that published a sighting of it
    /// (ours counted anew first), with how many posts each, largest first.
    pub fn sightings_overview(&self, actor: &Actor) -> Result<Vec<SightingRow>, Error> {
        actor.require_province(Permission::ViewCases)?;
        self.refresh_sightings(&actor.name)?;
        let mut s = self.store()?;
        let indicators: std::collections::HashMap<String, SharedIndicator> = s
            .indicators()?
            .into_iter()
            .map(|i| (i.stix_id.clone(), i))
            .collect();
        let mut rows: Vec<SightingRow> = Vec::new();
        for x in s.sightings()? {
            let row = match rows.iter_mut().find(|r| r.indicator == x.indicator_id) {
                Some(r) => r,
                None => {
                    let i = indicators.get(&x.indicator_id);
                    rows.push(SightingRow {
                        indicator: x.indicator_id.clone(),
                        kind: i.map(|i| i.kind.clone()).unwrap_or_default(),
                        value: i.map(|i| i.value.clone()).unwrap_or_default(),
                        origin: i.map(|i| i.origin_name.clone()).unwrap_or_default(),
                        offices: Vec::new(),
                        posts: 0,
                    });
                    rows.last_mut().expect("pushed")
                }
            };
            row.posts += x.count;
            row.offices.push((x.sighted_by_name, x.count));
        }
        for r in &mut rows {
            r.offices.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        rows.sort_by(|a, b| {
            (b.offices.len(), b.posts)
                .cmp(&(a.offices.len(), a.posts))
                .then(a.value.cmp(&b.value))
        });
        Ok(rows)
    }

    /// A TAXII POST from a partner (or one of ours with the right to triage): the envelope's
    /// objects taken in as a bundle is, answered and kept as a TAXII status resource.
    pub fn taxii_receive(&self, audience: &Audience, envelope: &Value) -> Result<Value, Error> {
        let (actor_name, partner_id) = match audience {
            Audience::Staff(a) => {
                a.require_province(Permission::Triage)?;
                (a.name.clone(), None)
            }
            Audience::Partner(p) if !p.can_write => {
                return Err(Error::new(
                    crate::ErrorKind::Forbidden,
                    "Mã truy cập của đối tác này không được gửi chỉ báo.",
                ));
            }
            Audience::Partner(p) => (format!("partner:{}", p.name), Some(p.id)),
        };
        let Some(objects) = envelope["objects"].as_array() else {
            return Err(Error::invalid(
                "objects",
                "Cần một phong bì TAXII: {\"objects\": [...]}.",
            ));
        };
        let requested = crate::now_utc();
        let source = match audience {
            Audience::Partner(p) => format!("taxii:{}", p.name),
            Audience::Staff(_) => "taxii".to_owned(),
        };
        let out = self.import_objects(&actor_name, &source, objects)?;
        let refused: std::collections::HashMap<&str, &str> = out
            .rejected
            .iter()
            .map(|(id, why)| (id.as_str(), why.as_str()))
            .collect();
        let mut successes = Vec::new();
        let mut failures = Vec::new();
        for o in objects {
            let id = o["id"].as_str().unwrap_or("");
            let version = o["modified"].as_str().unwrap_or("");
            let why = match (o["type"].as_str(), refused.get(id)) {
                (_, Some(why)) => Some((*why).to_owned()),
                // The companions of an impostor page's indicator are read from it.
                (
                    Some(
                        "indicator" | "identity" | "sighting" | "note" | "user-account"
                        | "relationship",
                    ),
                    None,
                ) => None,
                (t, None) => Some(format!(
                    "loại «{}» không nhận (chỉ indicator, sighting, note, identity, user-account, relationship)",
                    t.unwrap_or("?")
                )),
            };
            match why {
                None => successes.push(json!({"id": id, "version": version})),
                Some(message) => {
                    failures.push(json!({"id": id, "version": version, "message": message}))
                }
            }
        }
        let mut id = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut id)
            .map_err(|_| anyhow::anyhow!("không lấy được số ngẫu nhiên"))?;
        let status_id = crate::sharing::uuid4(id);
        let status = json!({
            "id": status_id,
            "status": "complete",
            "request_timestamp": requested,
            "total_count": objects.len(),
            "success_count": successes.len(),
            "successes": successes,
            "failure_count": failures.len(),
            "failures": failures,
            "pending_count": 0,
            "pendings": [],
        });
        self.store()?
            .keep_taxii_status(&status_id, partner_id, &status.to_string())?;
        Ok(status)
    }

    /// A TAXII status resource, for the partner that posted it (or one of ours).
    pub fn taxii_status(&self, audience: &Audience, id: &str) -> Result<Value, Error> {
        let found = self.store()?.taxii_status(id)?;
        let allowed = |owner: Option<i64>| match audience {
            Audience::Staff(a) => a.can(Permission::ViewCases),
            Audience::Partner(p) => owner == Some(p.id),
        };
        match found {
            Some((owner, body)) if allowed(owner) => {
                Ok(serde_json::from_str(&body).unwrap_or_default())
            }
            _ => Err(Error::not_found("trạng thái TAXII", id)),
        }
    }

    fn partner_named(&self, name: Option<&str>) -> Result<Vec<SharePartner>, Error> {
        let all = self.store()?.partners()?;
        match name {
            None => Ok(all.into_iter().filter(|p| p.url.is_some()).collect()),
            Some(n) => {
                let p = all
                    .into_iter()
                    .find(|p| p.name == n.trim())
                    .ok_or_else(|| Error::not_found("đối tác", n.trim()))?;
                if p.url.is_none() {
                    return Err(Error::invalid(
                        "partner",
                        format!("Đối tác «{}» chưa có địa chỉ TAXII.", p.name),
                    ));
                }
                Ok(vec![p])
            }
        }
    }

    /// Pulls from each partner with a TAXII address (or the one named) what it added after the
    /// last pull, page by page, and takes it in as a bundle; the cursor moves only when the
    /// whole pull was taken in. Each pull is audited (`share.pull`) with its counts or error.
    pub fn pull(&self, actor: &Actor, name: Option<&str>) -> Result<Vec<Exchange>, Error> {
        actor.require_province(Permission::Triage)?;
        self.exchange_each(actor, name, "share.pull", |p| &mut p.last_pull, |p, ex| {
            let cursor = self.pull_one(actor, p, ex)?;
            if cursor.is_some() {
                p.pull_cursor = cursor;
            }
            p.pulled += (ex.added + ex.updated + ex.revoked) as i64;
            Ok(json!({"partner": p.name, "objects": ex.objects, "added": ex.added, "updated": ex.updated, "unchanged": ex.unchanged, "revoked": ex.revoked, "rejected": ex.rejected.len(), "cursor": p.pull_cursor}))
        })
    }

    /// One exchange (`run`) with each partner with a TAXII address (or the one named): its
    /// time kept in the partner's field `when`, its outcome or error with the audit event
    /// `action`.
    fn exchange_each(
        &self,
        actor: &Actor,
        name: Option<&str>,
        action: &str,
        when: fn(&mut SharePartner) -> &mut Option<String>,
        run: impl Fn(&mut SharePartner, &mut Exchange) -> Result<Value, String>,
    ) -> Result<Vec<Exchange>, Error> {
        let mut out = Vec::new();
        for mut p in self.partner_named(name)? {
            let mut ex = Exchange {
                partner: p.name.clone(),
                ..Exchange::default()
            };
            let details = match run(&mut p, &mut ex) {
                Ok(details) => {
                    p.last_error = None;
                    details
                }
                Err(e) => {
                    ex.error = Some(e.clone());
                    p.last_error = Some(e.clone());
                    json!({"partner": p.name, "error": e})
                }
            };
            *when(&mut p) = Some(crate::now_utc());
            self.store()?
                .update_partner(&actor.name, &p, action, details)?;
            out.push(ex);
        }
        Ok(out)
    }

    fn pull_one(
        &self,
        actor: &Actor,
        p: &SharePartner,
        ex: &mut Exchange,
    ) -> Result<Option<String>, String> {
        let client = Client::new(self, p)?;
        let collection = client.collection(|c| c["can_read"] == true)?;
        let mut objects: Vec<Value> = Vec::new();
        let mut last = None;
        let mut next: Option<String> = None;
        for _ in 0..10_000 {
            let mut url = format!("{collection}objects/?limit=1000");
            match (&next, &p.pull_cursor) {
                (Some(n), _) => url.push_str(&format!("&next={}", query_escape(n))),
                (None, Some(c)) => url.push_str(&format!("&added_after={}", query_escape(c))),
                _ => {}
            }
            let (page, added_last) = client.get(&url)?;
            if added_last.is_some() {
                last = added_last;
            }
            objects.extend(page["objects"].as_array().cloned().unwrap_or_default());
            next = page["next"].as_str().map(str::to_owned);
            if page["more"] != true || next.is_none() {
                break;
            }
        }
        ex.objects = objects.len() as u64;
        let r = self
            .import_objects(&actor.name, &format!("taxii:{}", p.name), &objects)
            .map_err(|e| e.to_string())?;
        ex.added = r.added;
        ex.updated = r.updated;
        ex.unchanged = r.unchanged;
        ex.revoked = r.revoked;
        ex.rejected = r.rejected;
        Ok(last)
    }

    /// Pushes to each partner with a TAXII address (or the one named) what it may see and was
    /// added here after the last push (ours and relayed), in envelopes of at most 1,000
    /// objects; audited (`share.push`) with what the partner's status said.
    pub fn push(&self, actor: &Actor, name: Option<&str>) -> Result<Vec<Exchange>, Error> {
        actor.require_province(Permission::Triage)?;
        self.exchange_each(actor, name, "share.push", |p| &mut p.last_push, |p, ex| {
            let cursor = self.push_one(p, ex)?;
            if cursor.is_some() {
                p.push_cursor = cursor;
            }
            p.pushed += ex.added as i64;
            Ok(json!({"partner": p.name, "objects": ex.objects, "accepted": ex.added, "rejected": ex.rejected.len(), "cursor": p.push_cursor}))
        })
    }

    fn push_one(&self, p: &SharePartner, ex: &mut Exchange) -> Result<Option<String>, String> {
        self.refresh_sightings("sokenh")
            .map_err(|e| e.to_string())?;
        let audience = Audience::Partner(Box::new(SharePartner {
            can_read: true,
            ..p.clone()
        }));
        let client = Client::new(self, p)?;
        let collection = client.collection(|c| c["can_write"] == true)?;
        let mut cursor = p.push_cursor.clone();
        loop {
            let page = self
                .taxii_page(&audience, cursor.as_deref(), 1000)
                .map_err(|e| e.to_string())?;
            let indicators = page.manifest.len();
            if indicators == 0 {
                break;
            }
            let status = client.post(
                &format!("{collection}objects/"),
                &json!({"objects": page.objects}),
            )?;
            ex.objects += page.objects.len() as u64;
            ex.added += status["successes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|o| {
                    o["id"]
                        .as_str()
                        .is_some_and(|id| id.starts_with("indicator--"))
                })
                .count() as u64;
            for f in status["failures"].as_array().into_iter().flatten() {
                ex.rejected.push((
                    f["id"].as_str().unwrap_or("").to_owned(),
                    f["message"].as_str().unwrap_or("").to_owned(),
                ));
            }
            cursor = page
                .manifest
                .last()
                .map(|(id, added, _)| format!("{added}|{id}"));
            if !page.more {
                break;
            }
        }
        Ok(cursor)
    }
}

fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// A TAXII 2.1 client for one partner.
struct Client {
    agent: ureq::Agent,
    root: String,
    auth: Option<String>,
    name: String,
}

impl Client {
    fn new(app: &App, p: &SharePartner) -> Result<Client, String> {
        let root = p
            .url
            .clone()
            .ok_or_else(|| format!("đối tác «{}» chưa có địa chỉ TAXII", p.name))?;
        let auth = match &p.sealed_token {
            Some(s) => Some(format!(
                "Bearer {}",
                unseal(app.data_dir(), s).map_err(|e| e.to_string())?
            )),
            None => None,
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(60)))
            .build()
            .into();
        Ok(Client {
            agent,
            root,
            auth,
            name: p.name.clone(),
        })
    }

    fn answer(
        &self,
        url: &str,
        r: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<(Value, Option<String>), String> {
        let mut resp = r.map_err(|e| format!("không kết nối được {}: {e}", self.name))?;
        let last = resp
            .headers()
            .get("x-taxii-date-added-last")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let code = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(256 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| format!("đọc trả lời của {}: {e}", self.name))?;
        let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        if !(200..300).contains(&code) {
            let title = value["title"]
                .as_str()
                .or(value["error"].as_str())
                .unwrap_or("");
            return Err(format!(
                "{} trả lời mã {code} cho {url}{}",
                self.name,
                if title.is_empty() {
                    String::new()
                } else {
                    format!(": {title}")
                }
            ));
        }
        Ok((value, last))
    }

    fn get(&self, url: &str) -> Result<(Value, Option<String>), String> {
        let mut req = self.agent.get(url).header("Accept", TAXII);
        if let Some(a) = &self.auth {
            req = req.header("Authorization", a);
        }
        self.answer(url, req.call())
    }

    fn post(&self, url: &str, body: &Value) -> Result<Value, String> {
        let mut req = self
            .agent
            .post(url)
            .header("Accept", TAXII)
            .header("Content-Type", TAXII);
        if let Some(a) = &self.auth {
            req = req.header("Authorization", a);
        }
        self.answer(url, req.send(body.to_string())).map(|(v, _)| v)
    }

    /// The URL of the partner's first collection that `fits` (readable, or writable).
    fn collection(&self, fits: impl Fn(&Value) -> bool) -> Result<String, String> {
        let (list, _) = self.get(&format!("{}collections/", self.root))?;
        list["collections"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| fits(c))
            .and_then(|c| c["id"].as_str())
            .map(|id| format!("{}collections/{id}/", self.root))
            .ok_or_else(|| format!("{} không có bộ sưu tập TAXII phù hợp cho mã này", self.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_sealed_and_opened_only_with_the_data_dirs_key() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let sealed = seal(a.path(), "sk_0123").unwrap();
        assert!(!sealed.contains("sk_0123"));
        assert_ne!(sealed, seal(a.path(), "sk_0123").unwrap(), "a fresh nonce");
        assert_eq!(unseal(a.path(), &sealed).unwrap(), "sk_0123");
        assert!(unseal(b.path(), &sealed).is_err());
        assert_eq!(
            normalized("2026-12-01T08:00:00+07:00").as_deref(),
            Some("2026-12-01T01:00:00.000Z")
        );
        assert_eq!(
            query_escape("2026-12-01T01:00:00.000Z|indicator--a"),
            "2026-12-01T01%3A00%3A00.000Z%7Cindicator--a"
        );
    }

    #[test]
    fn a_partner_is_refused_with_why_and_no_token_is_left_behind() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(dir.path(), None).unwrap();
        let new = |name: &str, province: u32, read: bool, write: bool| NewPartner {
            name: name.into(),
            province,
            url: Some("http://127.0.0.1:9/taxii2/api1".into()),
            remote_token: Some("sk_theirs".into()),
            can_read: read,
            can_write: write,
            valid_days: 30,
        };
        let (p, token) = app
            .add_partner(&Actor::cli(), new("Tỉnh", 38, true, false))
            .unwrap();
        assert!(token.starts_with("sk_"));
        assert_eq!(p.url.as_deref(), Some("http://127.0.0.1:9/taxii2/api1/"));
        let kind = |r: Result<(SharePartner, String), Error>| r.unwrap_err().kind;
        assert_eq!(
            kind(app.add_partner(&Actor::cli(), new("Tỉnh", 38, true, true))),
            crate::ErrorKind::Conflict
        );
        assert_eq!(
            kind(app.add_partner(&Actor::cli(), new("Xã", 99, true, false))),
            crate::ErrorKind::Invalid { field: "province" }
        );
        assert_eq!(
            kind(app.add_partner(&Actor::cli(), new("Xã", 38, false, false))),
            crate::ErrorKind::Invalid { field: "access" }
        );
        assert_eq!(
            app.store().unwrap().tokens().unwrap().len(),
            1,
            "one token, the first partner's"
        );
        let officer = Actor {
            name: "canbo".into(),
            role: domain::Role::Officer,
            unit: None,
            member: None,
            commune: None,
        };
        assert_eq!(
            kind(app.add_partner(&officer, new("Xã", 38, true, false))),
            crate::ErrorKind::Forbidden
        );
    }

    #[test]
    fn a_province_office_is_placed_by_its_name_and_a_commune_by_its_ward() {
        let unit = |name: &str, code: Option<u32>| domain::Unit {
            id: domain::UnitId(1),
            name: name.into(),
            parent: None,
            locality_code: code,
        };
        assert_eq!(province_of_root(&unit("Tỉnh ủy Thanh Hóa", None)), Some(38));
        assert_eq!(
            province_of_root(&unit("Đảng bộ xã Bình Minh", Some(10141))),
            Some(1)
        );
        assert_eq!(province_of_root(&unit("Văn phòng", None)), None);
    }
}
