//! The detection settings as use cases: the fact-check register, the office's rule packs and
//! their shadow mode, the URL lists and known false matches (suppressions). Reading them needs
//! `ViewDetection`; changing them `ChangeDetection` (analysts and administrators). Each change is
//! audited by the store in its transaction; the next screening runs on it.

use crate::screening::{self, RuleList, RuleRow};
use crate::{Actor, App, Error};
use domain::{FactCheck, Permission};

/// The detection page: the rules screening runs on (and why fewer than installed, if so), the
/// fact-check register and the known false matches.
#[derive(Debug)]
pub struct DetectionView {
    pub rules: Vec<RuleRow>,
    pub health: Option<String>,
    pub factchecks: Vec<FactCheck>,
    /// (rule or register reference, folded text).
    pub suppressions: Vec<(String, String)>,
}

/// What importing a fact-check register file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactcheckImport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// (line, reason) of the rows refused.
    pub rejected: Vec<(u64, String)>,
}

/// What importing a URL list did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlListImport {
    pub read: usize,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl App {
    pub fn detection(&self, actor: &Actor) -> Result<DetectionView, Error> {
        actor.require(Permission::ViewDetection)?;
        let mut s = self.store()?;
        let RuleList { rules, health } = screening::rule_list(&mut s)?;
        Ok(DetectionView {
            rules,
            health,
            factchecks: s.factchecks()?,
            suppressions: s.suppressions()?,
        })
    }

    /// The fact-check register.
    pub fn factchecks(&self, actor: &Actor) -> Result<Vec<FactCheck>, Error> {
        actor.require(Permission::ViewDetection)?;
        Ok(self.store()?.factchecks()?)
    }

    /// The detectors' findings (of one category, or all), strongest first: (source id, signal).
    pub fn signals(
        &self,
        actor: &Actor,
        category: Option<domain::Category>,
    ) -> Result<Vec<(String, domain::StoredSignal)>, Error> {
        actor.require(Permission::ViewDetection)?;
        Ok(self.store()?.signals(category)?)
    }

    /// The rules screening runs on ([`screening::rule_list`]).
    pub fn rules(&self, actor: &Actor) -> Result<RuleList, Error> {
        actor.require(Permission::ViewDetection)?;
        Ok(screening::rule_list(&mut *self.store()?)?)
    }

    /// A fact-check register file (CSV, or ClaimReview JSON-LD) read and merged by entry id;
    /// `source` names where it came from in the audit log. Rows that cannot be taken are listed
    /// with their line; a JSON file that does not parse at all is refused whole.
    pub fn import_factchecks(
        &self,
        actor: &Actor,
        source: &str,
        text: &str,
    ) -> Result<FactcheckImport, Error> {
        actor.require(Permission::ChangeDetection)?;
        let (entries, rejected) = if text.trim_start().starts_with(['{', '[']) {
            detect::factcheck::parse_claimreview(text).map_err(|e| {
                Error::invalid(
                    "file",
                    format!(
                        "tệp ClaimReview JSON không đọc được / unreadable ClaimReview JSON: {e}"
                    ),
                )
            })?
        } else {
            detect::factcheck::parse_csv(text)
        };
        let (inserted, updated, unchanged) =
            self.store()?
                .import_factchecks(&actor.name, source, &entries)?;
        Ok(FactcheckImport {
            inserted,
            updated,
            unchanged,
            rejected,
        })
    }

    /// An office rule pack checked and kept ([`screening::import_pack`]); a refused pack is
    /// invalid input, its message saying why in full.
    pub fn import_rule_pack(
        &self,
        actor: &Actor,
        name: &str,
        text: &str,
    ) -> Result<detect::rules::Pack, Error> {
        actor.require(Permission::ChangeDetection)?;
        let mut s = self.store()?;
        screening::import_pack(&mut s, &actor.name, name, text).map_err(|e| {
            if e.downcast_ref::<store::StoreError>().is_some() {
                Error::from(e)
            } else {
                // The pack's own fault (it does not parse, or breaks examples): said in full.
                Error::invalid("file", format!("{e:#}"))
            }
        })
    }

    /// A rule put in shadow mode (it records its findings, raises no alert) or taken out of it.
    pub fn set_rule_shadow(&self, actor: &Actor, rule: &str, shadow: bool) -> Result<(), Error> {
        actor.require(Permission::ChangeDetection)?;
        let mut s = self.store()?;
        if !screening::rule_list(&mut s)?
            .rules
            .iter()
            .any(|r| r.id == rule)
        {
            return Err(Error::not_found("luật", rule));
        }
        Ok(s.set_shadow(&actor.name, rule, shadow)?)
    }

    /// A URL list (a line each, CSV, or a JSON array) merged into the block list, or the allow
    /// list with `allow`.
    pub fn import_url_list(
        &self,
        actor: &Actor,
        source: &str,
        text: &str,
        allow: bool,
    ) -> Result<UrlListImport, Error> {
        actor.require(Permission::ChangeDetection)?;
        let entries = detect::urls::parse_list(text);
        let list = if allow { "allow" } else { "block" };
        let (inserted, updated, unchanged) =
            self.store()?
                .import_url_list(&actor.name, source, &entries, list)?;
        Ok(UrlListImport {
            read: entries.len(),
            inserted,
            updated,
            unchanged,
        })
    }

    /// A known false match: this rule or register entry on this post's text raises no more
    /// alerts.
    pub fn suppress(
        &self,
        actor: &Actor,
        item_source_id: &str,
        reference: &str,
        reason: &str,
    ) -> Result<(), Error> {
        actor.require(Permission::ChangeDetection)?;
        let mut s = self.store()?;
        let Some(item) = s.items_by_source(item_source_id)?.into_iter().next() else {
            return Err(Error::not_found("bài đăng", item_source_id));
        };
        s.add_suppression(
            &actor.name,
            reference,
            &text::fold(&item.text),
            serde_json::json!({"item": item_source_id, "ref": reference, "reason": reason}),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{actor, app};
    use domain::Role;

    #[test]
    fn the_register_and_the_rules_change_only_by_their_rule_and_say_why_not() {
        let (app, _dir) = app();
        let analyst = actor(Role::Analyst);
        let kind = |e: Error| e.kind;

        let csv = "id,claim,verdict,correction,source_url\nfc-1,Uống nước muối chữa khỏi cúm,false,Không có căn cứ,https://vnexpress.net/a\nfc-2,,false,,\n";
        let done = app.import_factchecks(&analyst, "so.csv", csv).unwrap();
        assert_eq!((done.inserted, done.updated, done.unchanged), (1, 0, 0));
        assert_eq!(done.rejected.len(), 1);
        assert_eq!(done.rejected[0].0, 3);
        assert_eq!(
            kind(
                app.import_factchecks(&analyst, "so.json", "{ not json")
                    .unwrap_err()
            ),
            ErrorKind::Invalid { field: "file" }
        );
        assert_eq!(app.detection(&analyst).unwrap().factchecks.len(), 1);

        // A pack outside the fixed taxonomy: refused as the file's fault, nothing kept.
        let political = "category = \"political_opinion\"\nversion = \"1\"\n";
        let refused = app
            .import_rule_pack(&analyst, "y-kien.toml", political)
            .unwrap_err();
        assert_eq!(refused.kind, ErrorKind::Invalid { field: "file" });
        assert!(app.store().unwrap().rule_packs().unwrap().is_empty());

        // Shadow mode on a rule that runs; an unknown rule is not found.
        let rule = app.rules(&analyst).unwrap().rules[0].id.clone();
        app.set_rule_shadow(&analyst, &rule, true).unwrap();
        assert!(
            app.rules(&analyst)
                .unwrap()
                .rules
                .iter()
                .any(|r| r.id == rule && r.shadow)
        );
        assert_eq!(
            kind(app.set_rule_shadow(&analyst, "khong.co", true).unwrap_err()),
            ErrorKind::NotFound
        );
        assert_eq!(
            kind(
                app.suppress(&analyst, "khong-co-bai", &rule, "nhầm")
                    .unwrap_err()
            ),
            ErrorKind::NotFound
        );

        let urls = app
            .import_url_list(
                &analyst,
                "chan.txt",
                "lua-dao.example\nvay-nhanh.example\n",
                false,
            )
            .unwrap();
        assert_eq!((urls.read, urls.inserted), (2, 2));

        // Officers see the settings and change none of them.
        let officer = actor(Role::Officer);
        assert!(app.detection(&officer).is_ok());
        assert_eq!(
            kind(app.import_factchecks(&officer, "so.csv", csv).unwrap_err()),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(app.set_rule_shadow(&officer, &rule, false).unwrap_err()),
            ErrorKind::Forbidden
        );
        assert_eq!(
            kind(app.detection(&actor(Role::Member)).unwrap_err()),
            ErrorKind::Forbidden
        );
    }
}
