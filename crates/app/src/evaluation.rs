//! The year's evaluation of units and members on carrying out the directive: a *proposal* of
//! points per criterion, each point with the audit events that justify it (declarations, the
//! signature of the code of conduct in effect, reminders, cases handled within their deadline,
//! referrals to the Inspection Committee, the unit's official channels kept active). Nothing is
//! graded automatically: the unit head or the Standing Committee adjusts a criterion with a
//! reason (an `evaluation.adjust` audit event), and the evaluation shows the adjusted points
//! beside the proposed ones. Read from the store in one pass over each table and the audit log,
//! so a province (166 communes, 20,000 members) is evaluated in seconds.
//!
//! Criteria of a member (100 points): declared the pages they run or join (30), signed the code
//! of conduct in effect at the year's end (30; an earlier version only: 10), not reminded (10,
//! less 5 a reminder), no case about a page they run referred to the Inspection Committee (30).
//! Of a unit (100): share of members who declared (25) and signed (25), official channels with
//! posts in at least six months of the year (20), cases about its pages closed within their
//! deadline (20), no referral to the Inspection Committee (10).

use crate::{Actor, App, Error};
use domain::{AuditEvent, Classification, Permission};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One criterion's proposal, and the adjustment made to it, if any.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Criterion {
    pub id: &'static str,
    pub label: &'static str,
    /// The points that count: the adjusted ones when adjusted, else the proposal.
    pub points: u32,
    pub max: u32,
    /// The audit events the proposal rests on.
    pub evidence: Vec<i64>,
    /// What the proposal said.
    pub proposed: u32,
    /// Why the proposal says so, in a sentence.
    pub basis: String,
    pub adjustment: Option<Adjustment>,
}

/// A person's change to a proposed criterion (the newest for that criterion counts).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Adjustment {
    pub points: u32,
    pub reason: String,
    pub by: String,
    pub at: String,
    /// The `evaluation.adjust` audit event.
    pub event: i64,
}

/// A unit's evaluation (`member` none) or one member's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    pub unit: String,
    /// The member's name.
    pub member: Option<String>,
    pub member_id: Option<i64>,
    pub criteria: Vec<Criterion>,
    pub total: u32,
}

/// The key an adjustment names: year, unit, member (none for the unit), criterion.
type AdjustKey = (i32, String, Option<i64>, String);

fn year_of(at: &str) -> Option<i32> {
    at.get(..4)?.parse().ok()
}

fn proportional(max: u32, part: usize, whole: usize) -> u32 {
    if whole == 0 {
        max
    } else {
        ((max as f64) * part as f64 / whole as f64).round() as u32
    }
}

impl App {
    /// The evaluations of `year`: each unit the actor sees (or the one named), then its members.
    /// Refused: a role that does not follow members up; a unit named that is not visible.
    pub fn evaluation(
        &self,
        actor: &Actor,
        year: i32,
        unit: Option<&str>,
    ) -> Result<Vec<Evaluation>, Error> {
        actor.require(Permission::FollowUp)?;
        let units = self.store()?.units()?;
        let scope = crate::register::visible_units(&units, actor.role, actor.unit, actor.commune);
        self.evaluate(year, unit, scope)
    }

    /// A member's own evaluation of `year` (their unit's criteria apart): what is recorded about
    /// them and what is missing, on their own page. `None` for an account that is no member.
    pub fn my_evaluation(&self, actor: &Actor, year: i32) -> Result<Option<Evaluation>, Error> {
        actor.require(Permission::Declare)?;
        let Some(member) = actor.member else {
            return Ok(None);
        };
        let mut s = self.store()?;
        let Some(m) = s.members()?.into_iter().find(|m| m.id == member) else {
            return Ok(None);
        };
        let Some(unit) = s.units()?.into_iter().find(|u| u.id == m.unit) else {
            return Ok(None);
        };
        drop(s);
        Ok(self
            .evaluate(year, Some(&unit.name), None)?
            .into_iter()
            .find(|r| r.member_id == Some(member.0)))
    }

    fn evaluate(
        &self,
        year: i32,
        unit: Option<&str>,
        scope: Option<HashSet<String>>,
    ) -> Result<Vec<Evaluation>, Error> {
        let mut s = self.store()?;
        let units = s.units()?;
        let wanted: Vec<&domain::Unit> = units
            .iter()
            .filter(|u| scope.as_ref().is_none_or(|names| names.contains(&u.name)))
            .filter(|u| unit.is_none_or(|n| text::fold(n) == text::fold(&u.name)))
            .collect();
        if let Some(n) = unit
            && wanted.is_empty()
        {
            return Err(Error::not_found("đơn vị", n));
        }
        let year_end = format!("{year}-12-31");
        let version = s.commitment_version(&year_end)?;
        let members = s.members()?;
        let communities = s.communities()?;
        let cases = s.cases()?;
        let volume = s.item_volume(&format!("{year}-01-01"), &format!("{}-01-01", year + 1))?;
        let events = s.audit_events()?;
        drop(s);

        // The audit log read once, into what each criterion asks.
        let upto_end = |e: &AuditEvent| year_of(&e.at).is_some_and(|y| y <= year);
        let in_year = |e: &AuditEvent| year_of(&e.at) == Some(year);
        let mut declared: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut owned: HashMap<i64, HashSet<i64>> = HashMap::new();
        let mut signed_current: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut signed_earlier: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut reminded: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut referred: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut closed: HashMap<i64, i64> = HashMap::new();
        let mut page_events: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut adjustments: HashMap<AdjustKey, Adjustment> = HashMap::new();
        for e in &events {
            let details =
                || serde_json::from_str::<serde_json::Value>(&e.details).unwrap_or_default();
            match (e.action.as_str(), e.entity.as_str()) {
                ("participation.declare", "participation") if upto_end(e) => {
                    if let Some((m, c)) = e.entity_id.split_once(':')
                        && let (Ok(m), Ok(c)) = (m.parse::<i64>(), c.parse::<i64>())
                    {
                        declared.entry(m).or_default().push(e.id);
                        let role = details()["role"].as_str().unwrap_or("").to_owned();
                        if role == "owner" || role == "admin" {
                            owned.entry(m).or_default().insert(c);
                        }
                    }
                }
                ("commitment.sign", "member") if upto_end(e) => {
                    if let Ok(m) = e.entity_id.parse::<i64>() {
                        if details()["version"] == version.as_str() {
                            signed_current.entry(m).or_default().push(e.id);
                        } else {
                            signed_earlier.entry(m).or_default().push(e.id);
                        }
                    }
                }
                ("member.remind", entity) if in_year(e) => {
                    if let Some(m) = entity.strip_prefix("member:").and_then(|m| m.parse().ok()) {
                        reminded.entry(m).or_default().push(e.id);
                    }
                }
                ("case.action", "case") if in_year(e) => {
                    if details()["action"] == "refer_to_inspection"
                        && let Ok(c) = e.entity_id.parse()
                    {
                        referred.entry(c).or_default().push(e.id);
                    }
                }
                ("case.status", "case") if in_year(e) => {
                    if details()["status"] == "closed"
                        && let Ok(c) = e.entity_id.parse()
                    {
                        closed.insert(c, e.id);
                    }
                }
                // What made the page what it is (its record, its classification as official).
                ("community.create" | "community.update", "community") if upto_end(e) => {
                    if let Ok(c) = e.entity_id.parse() {
                        page_events.entry(c).or_default().push(e.id);
                    }
                }
                ("evaluation.adjust", "evaluation") => {
                    let d = details();
                    if let (Some(y), Some(u), Some(c), Some(p)) = (
                        d["year"].as_i64(),
                        d["unit"].as_str(),
                        d["criterion"].as_str(),
                        d["points"].as_u64(),
                    ) {
                        adjustments.insert(
                            (y as i32, u.to_owned(), d["member"].as_i64(), c.to_owned()),
                            Adjustment {
                                points: p as u32,
                                reason: d["reason"].as_str().unwrap_or("").to_owned(),
                                by: e.actor.clone(),
                                at: e.at.clone(),
                                event: e.id,
                            },
                        );
                    }
                }
                _ => {}
            }
        }
        // Cases by the page they are about: referred to inspection, and closed in the year
        // within their deadline or not.
        let mut page_cases: HashMap<i64, Vec<&domain::Case>> = HashMap::new();
        for c in cases.iter().filter(|c| c.merged_into.is_none()) {
            if let Some(p) = c.community {
                page_cases.entry(p.0).or_default().push(c);
            }
        }
        let mut months: HashMap<i64, HashSet<String>> = HashMap::new();
        for row in &volume {
            if row.items > 0 {
                months
                    .entry(row.community_id)
                    .or_default()
                    .insert(row.day.get(..7).unwrap_or("").to_owned());
            }
        }

        let criterion = |key: AdjustKey,
                         id: &'static str,
                         label: &'static str,
                         max: u32,
                         proposed: u32,
                         evidence: Vec<i64>,
                         basis: String| {
            let adjustment = adjustments.get(&key).cloned();
            Criterion {
                id,
                label,
                points: adjustment.as_ref().map_or(proposed, |a| a.points.min(max)),
                max,
                evidence,
                proposed,
                basis,
                adjustment,
            }
        };
        let mut out = Vec::new();
        for u in wanted {
            let mine: Vec<&domain::Member> = members.iter().filter(|m| m.unit == u.id).collect();
            let pages: Vec<&domain::Community> = communities
                .iter()
                .filter(|c| c.unit.as_deref() == Some(u.name.as_str()))
                .collect();
            let key = |member: Option<i64>, c: &str| (year, u.name.clone(), member, c.to_owned());
            let mut unit_rows = Vec::new();
            let mut member_rows = Vec::new();

            // Members.
            let mut declared_ids = Vec::new();
            let mut signed_ids = Vec::new();
            let (mut n_declared, mut n_signed) = (0, 0);
            for m in &mine {
                let id = m.id.0;
                let d = declared.get(&id).cloned().unwrap_or_default();
                let cur = signed_current.get(&id).cloned().unwrap_or_default();
                let old = signed_earlier.get(&id).cloned().unwrap_or_default();
                let rem = reminded.get(&id).cloned().unwrap_or_default();
                let refs: Vec<i64> = owned
                    .get(&id)
                    .into_iter()
                    .flatten()
                    .flat_map(|p| page_cases.get(p).into_iter().flatten())
                    .flat_map(|c| referred.get(&c.id).cloned().unwrap_or_default())
                    .collect();
                n_declared += usize::from(!d.is_empty());
                n_signed += usize::from(!cur.is_empty());
                declared_ids.extend(&d);
                signed_ids.extend(&cur);
                let criteria = vec![
                    criterion(
                        key(Some(id), "declared"),
                        "declared",
                        "Kê khai trang, nhóm quản trị hoặc tham gia",
                        30,
                        if d.is_empty() { 0 } else { 30 },
                        d.clone(),
                        format!("{} lần kê khai đến hết năm", d.len()),
                    ),
                    criterion(
                        key(Some(id), "commitment"),
                        "commitment",
                        "Ký cam kết phiên bản đang có hiệu lực",
                        30,
                        if !cur.is_empty() {
                            30
                        } else if !old.is_empty() {
                            10
                        } else {
                            0
                        },
                        if cur.is_empty() {
                            old.clone()
                        } else {
                            cur.clone()
                        },
                        if !cur.is_empty() {
                            format!("đã ký phiên bản {version}")
                        } else if !old.is_empty() {
                            format!("chỉ ký phiên bản trước, chưa ký {version}")
                        } else {
                            "chưa ký cam kết".into()
                        },
                    ),
                    criterion(
                        key(Some(id), "reminders"),
                        "reminders",
                        "Không phải nhắc nhở kê khai, ký cam kết",
                        10,
                        10u32.saturating_sub(5 * rem.len() as u32),
                        rem.clone(),
                        format!("bị nhắc {} lần trong năm", rem.len()),
                    ),
                    criterion(
                        key(Some(id), "violations"),
                        "violations",
                        "Không có vi phạm chuyển Ủy ban Kiểm tra",
                        30,
                        if refs.is_empty() { 30 } else { 0 },
                        refs.clone(),
                        format!(
                            "{} hồ sơ về trang do mình quản trị được chuyển Ủy ban Kiểm tra",
                            refs.len()
                        ),
                    ),
                ];
                let total = criteria.iter().map(|c| c.points).sum();
                member_rows.push(Evaluation {
                    unit: u.name.clone(),
                    member: Some(m.full_name.clone()),
                    member_id: Some(id),
                    criteria,
                    total,
                });
            }

            // The unit.
            let official: Vec<&&domain::Community> = pages
                .iter()
                .filter(|c| c.classification == Classification::Official)
                .collect();
            let active = official
                .iter()
                .filter(|c| months.get(&c.id.0).is_some_and(|m| m.len() >= 6))
                .count();
            let official_evidence: Vec<i64> = official
                .iter()
                .flat_map(|c| page_events.get(&c.id.0).cloned().unwrap_or_default())
                .collect();
            let unit_cases: Vec<&&domain::Case> = pages
                .iter()
                .flat_map(|p| page_cases.get(&p.id.0).into_iter().flatten())
                .filter(|c| closed.contains_key(&c.id))
                .collect();
            let on_time = unit_cases
                .iter()
                .filter(|c| c.closed_within_deadline())
                .count();
            let unit_refs: Vec<i64> = pages
                .iter()
                .flat_map(|p| page_cases.get(&p.id.0).into_iter().flatten())
                .flat_map(|c| referred.get(&c.id).cloned().unwrap_or_default())
                .collect();
            if !mine.is_empty() || !pages.is_empty() {
                let criteria = vec![
                    criterion(
                        key(None, "declared_share"),
                        "declared_share",
                        "Tỷ lệ cán bộ, đảng viên đã kê khai",
                        25,
                        proportional(25, n_declared, mine.len()),
                        declared_ids,
                        format!("{n_declared}/{} người đã kê khai", mine.len()),
                    ),
                    criterion(
                        key(None, "signed_share"),
                        "signed_share",
                        "Tỷ lệ ký cam kết phiên bản đang có hiệu lực",
                        25,
                        proportional(25, n_signed, mine.len()),
                        signed_ids,
                        format!("{n_signed}/{} người đã ký phiên bản {version}", mine.len()),
                    ),
                    criterion(
                        key(None, "official_channels"),
                        "official_channels",
                        "Kênh chính thức hoạt động đều (có bài ít nhất 6 tháng)",
                        20,
                        if official.is_empty() {
                            0
                        } else {
                            proportional(20, active, official.len())
                        },
                        official_evidence,
                        if official.is_empty() {
                            "đơn vị chưa có kênh chính thức trong sổ".into()
                        } else {
                            format!(
                                "{active}/{} kênh chính thức có bài ít nhất 6 tháng",
                                official.len()
                            )
                        },
                    ),
                    criterion(
                        key(None, "cases_on_time"),
                        "cases_on_time",
                        "Hồ sơ về trang của đơn vị đóng đúng hạn",
                        20,
                        proportional(20, on_time, unit_cases.len()),
                        unit_cases
                            .iter()
                            .filter_map(|c| closed.get(&c.id).copied())
                            .collect(),
                        format!(
                            "{on_time}/{} hồ sơ đóng trong năm đúng hạn",
                            unit_cases.len()
                        ),
                    ),
                    criterion(
                        key(None, "no_violations"),
                        "no_violations",
                        "Không có hồ sơ chuyển Ủy ban Kiểm tra",
                        10,
                        if unit_refs.is_empty() { 10 } else { 0 },
                        unit_refs.clone(),
                        format!("{} lần chuyển Ủy ban Kiểm tra", unit_refs.len()),
                    ),
                ];
                let total = criteria.iter().map(|c| c.points).sum();
                unit_rows.push(Evaluation {
                    unit: u.name.clone(),
                    member: None,
                    member_id: None,
                    criteria,
                    total,
                });
            }
            out.extend(unit_rows);
            out.extend(member_rows);
        }
        Ok(out)
    }

    /// A criterion's points set by a person, with the reason (an `evaluation.adjust` audit
    /// event; the newest counts). Refused: a role that does not follow members up, a unit not
    /// visible, a criterion that is not one, points above its maximum, no reason.
    #[allow(clippy::too_many_arguments)]
    pub fn adjust_evaluation(
        &self,
        actor: &Actor,
        year: i32,
        unit: &str,
        member: Option<i64>,
        criterion: &str,
        points: u32,
        reason: &str,
    ) -> Result<(), Error> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("reason", "Cần ghi lý do điều chỉnh."));
        }
        let rows = self.evaluation(actor, year, Some(unit))?;
        let Some(row) = rows.iter().find(|r| r.member_id == member) else {
            return Err(Error::not_found("cán bộ mã", member.unwrap_or(0)));
        };
        let Some(c) = row.criteria.iter().find(|c| c.id == criterion) else {
            return Err(Error::invalid(
                "criterion",
                format!(
                    "Không có tiêu chí «{criterion}»: {}",
                    row.criteria
                        .iter()
                        .map(|c| c.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        if points > c.max {
            return Err(Error::invalid(
                "points",
                format!("Tiêu chí «{}» tối đa {} điểm.", c.label, c.max),
            ));
        }
        Ok(self.store()?.record(
            &actor.name,
            "evaluation.adjust",
            "evaluation",
            serde_json::json!({
                "year": year,
                "unit": row.unit,
                "member": member,
                "criterion": criterion,
                "from": c.points,
                "points": points,
                "reason": reason,
            }),
        )?)
    }
}

/// The formats a unit's evaluation is exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Docx,
    Xlsx,
}

impl App {
    /// One unit's evaluation of `year` as the office's document: the unit's criteria (maximum,
    /// proposed, points, basis, adjustment and its reason) and its members' points, in the
    /// report's layout; the export is recorded in the audit log.
    pub fn evaluation_document(
        &self,
        actor: &Actor,
        year: i32,
        unit: &str,
        format: Format,
    ) -> Result<Vec<u8>, Error> {
        let rows = self.evaluation(actor, year, Some(unit))?;
        let Some(head) = rows.iter().find(|r| r.member.is_none()) else {
            return Err(Error::not_found("đơn vị", unit));
        };
        let mut s = self.store()?;
        let lh = crate::report::letterhead(&mut s)?;
        let today = self.today();
        use ::report::{Cell, Table, Tabled, upper};
        let unit_table = Table {
            sheet: "Don vi".into(),
            title: format!("Điểm đề xuất của {} theo tiêu chí, năm {year}", head.unit),
            header: [
                "Tiêu chí",
                "Điểm tối đa",
                "Đề xuất",
                "Điểm",
                "Căn cứ",
                "Điều chỉnh",
            ]
            .map(String::from)
            .to_vec(),
            rows: head
                .criteria
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(c.label),
                        Cell::count(c.max.into()),
                        Cell::count(c.proposed.into()),
                        Cell::count(c.points.into()),
                        Cell::text(format!(
                            "{} ({} sự kiện nhật ký)",
                            c.basis,
                            c.evidence.len()
                        )),
                        Cell::text(
                            c.adjustment
                                .as_ref()
                                .map(|a| format!("{} — {} ({})", a.points, a.reason, a.by))
                                .unwrap_or_default(),
                        ),
                    ]
                })
                .collect(),
            total: Some(vec![
                Cell::text("Tổng"),
                Cell::count(100),
                Cell::count(head.criteria.iter().map(|c| u64::from(c.proposed)).sum()),
                Cell::count(head.total.into()),
                Cell::text(""),
                Cell::text(""),
            ]),
        };
        let members: Vec<&Evaluation> = rows.iter().filter(|r| r.member.is_some()).collect();
        let labels: Vec<String> = members
            .first()
            .map(|m| {
                m.criteria
                    .iter()
                    .map(|c| format!("{} ({})", c.label, c.max))
                    .collect()
            })
            .unwrap_or_default();
        let member_table = Table {
            sheet: "Can bo".into(),
            title: format!("Điểm đề xuất của cán bộ, đảng viên, năm {year}"),
            header: std::iter::once("Họ và tên".to_owned())
                .chain(labels)
                .chain(std::iter::once("Tổng (100)".to_owned()))
                .collect(),
            rows: members
                .iter()
                .map(|m| {
                    std::iter::once(Cell::text(m.member.as_deref().unwrap_or("")))
                        .chain(m.criteria.iter().map(|c| Cell::count(c.points.into())))
                        .chain(std::iter::once(Cell::count(m.total.into())))
                        .collect()
                })
                .collect(),
            total: None,
        };
        let doc = Tabled {
            superior: upper(&lh.issuer_name),
            issuer: upper(&head.unit),
            number: "Số       -BC".into(),
            place_date: format!(
                "{}, ngày {} tháng {} năm {}",
                lh.place,
                chrono::Datelike::day(&today),
                chrono::Datelike::month(&today),
                chrono::Datelike::year(&today)
            ),
            title: "BÁO CÁO".into(),
            subject: format!(
                "Đề xuất đánh giá việc thực hiện quản lý trang, kênh, hội, nhóm năm {year}"
            ),
            paragraphs: vec![
                "Điểm dưới đây là đề xuất lập từ nhật ký kiểm tra của hệ thống (kê khai, cam kết, nhắc nhở, hồ sơ xử lý); mỗi điểm có căn cứ là các sự kiện nhật ký. Điểm đã điều chỉnh ghi rõ người điều chỉnh và lý do. Kết quả xếp loại do cấp có thẩm quyền quyết định.".into(),
            ],
            tables: vec![unit_table, member_table],
            recipients: vec!["Ban Thường vụ Đảng ủy".into(), "Lưu".into()],
            on_behalf: "T/M ĐƠN VỊ".into(),
            role: "THỦ TRƯỞNG ĐƠN VỊ".into(),
        };
        let bytes = match format {
            Format::Docx => ::report::docx::tables(&doc)?,
            Format::Xlsx => ::report::xlsx::tables(&doc)?,
        };
        s.record(
            &actor.name,
            "evaluation.export",
            "evaluation",
            serde_json::json!({"year": year, "unit": head.unit, "format": match format { Format::Docx => "docx", Format::Xlsx => "xlsx" }}),
        )?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{actor, app};
    use domain::Role;

    #[test]
    fn a_member_sees_only_their_own_evaluation_and_officers_none() {
        let (app, _dir) = app();
        let (a, b) = {
            let mut s = app.store().unwrap();
            let unit = s
                .create_unit("t", "Chi bộ thôn Bắc", None, None)
                .unwrap()
                .id;
            let add = |s: &mut store::Store, name: &str| {
                s.add_member(
                    "t",
                    &store::NewMember {
                        unit,
                        full_name: name.into(),
                        position: None,
                    },
                )
                .unwrap()
            };
            (add(&mut s, "Lê Văn A"), add(&mut s, "Trần Thị B"))
        };
        app.sign_commitment(&Actor::cli(), b, domain::COMMITMENT_VERSION)
            .unwrap();
        let member = |m: domain::MemberId| Actor {
            member: Some(m),
            ..actor(Role::Member)
        };
        let year = chrono::Datelike::year(&app.today());
        let mine = app.my_evaluation(&member(a), year).unwrap().unwrap();
        assert_eq!(mine.member.as_deref(), Some("Lê Văn A"));
        let points: Vec<(&str, u32)> = mine.criteria.iter().map(|c| (c.id, c.points)).collect();
        assert_eq!(
            points,
            [
                ("declared", 0),
                ("commitment", 0),
                ("reminders", 10),
                ("violations", 30)
            ]
        );
        let theirs = app.my_evaluation(&member(b), year).unwrap().unwrap();
        assert_eq!(
            (theirs.member.as_deref(), theirs.total),
            (Some("Trần Thị B"), 70)
        );
        assert_eq!(
            app.my_evaluation(&actor(Role::Officer), year)
                .unwrap_err()
                .kind,
            ErrorKind::Forbidden
        );
        assert_eq!(
            app.evaluation(&member(a), year, None).unwrap_err().kind,
            ErrorKind::Forbidden
        );
    }
}
