//! One connection with its prepared statements kept: each SQL text is parsed and planned by the
//! server once per connection, then only bound and executed (the driver's `query(&str, …)`
//! prepares anew each time: a round trip and a parse for every statement). The backend's SQL is
//! a fixed set of texts (a few are made with table names, for moving whole tables), so the cache
//! stays small; it is bounded all the same, and forgotten when full.

use postgres::types::ToSql;
use postgres::{Client, CopyInWriter, Row, Statement};
use std::collections::HashMap;

/// How many statements one connection keeps before it forgets them all.
const KEPT: usize = 512;

pub(crate) struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
    /// The server ended this session (an error said so), even if the driver has not yet seen
    /// the socket close.
    ended: bool,
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl Conn {
    pub(crate) fn new(client: Client) -> Conn {
        Conn {
            client,
            statements: HashMap::new(),
            ended: false,
        }
    }

    /// The connection is gone: the driver saw it close, or the server's last error ended the
    /// session (FATAL: terminated by an administrator, the server shutting down).
    pub(crate) fn is_closed(&self) -> bool {
        self.ended || self.client.is_closed()
    }

    fn note<T>(&mut self, r: Result<T, postgres::Error>) -> Result<T, postgres::Error> {
        if let Err(e) = &r
            && (e.is_closed()
                || e.as_db_error()
                    .is_some_and(|d| d.severity() == "FATAL" || d.severity() == "PANIC")
                || e.code().is_some_and(|c| c.code().starts_with("57P")))
        {
            self.ended = true;
        }
        r
    }

    /// How many statements this connection keeps prepared (for tests).
    pub(crate) fn prepared(&self) -> usize {
        self.statements.len()
    }

    fn statement(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        if self.statements.len() >= KEPT {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    /// Runs `run` with the statement of `sql`; when the server says a kept statement no longer
    /// fits the schema (a column changed under it: SQLSTATE 0A000), prepares it again once.
    fn with<T>(
        &mut self,
        sql: &str,
        run: impl Fn(&mut Client, &Statement) -> Result<T, postgres::Error>,
    ) -> Result<T, postgres::Error> {
        let r = self.statement(sql);
        let s = self.note(r)?;
        let r = match run(&mut self.client, &s) {
            Err(e)
                if e.code() == Some(&postgres::error::SqlState::FEATURE_NOT_SUPPORTED)
                    && e.as_db_error()
                        .is_some_and(|d| d.message().contains("cached plan")) =>
            {
                self.statements.remove(sql);
                let s = self.statement(sql)?;
                run(&mut self.client, &s)
            }
            other => other,
        };
        self.note(r)
    }

    pub(crate) fn query(&mut self, sql: &str, params: Params) -> Result<Vec<Row>, postgres::Error> {
        self.with(sql, |c, s| c.query(s, params))
    }

    pub(crate) fn query_one(&mut self, sql: &str, params: Params) -> Result<Row, postgres::Error> {
        self.with(sql, |c, s| c.query_one(s, params))
    }

    pub(crate) fn query_opt(
        &mut self,
        sql: &str,
        params: Params,
    ) -> Result<Option<Row>, postgres::Error> {
        self.with(sql, |c, s| c.query_opt(s, params))
    }

    pub(crate) fn execute(&mut self, sql: &str, params: Params) -> Result<u64, postgres::Error> {
        self.with(sql, |c, s| c.execute(s, params))
    }

    /// Statements without parameters, several at once, never kept (BEGIN, COMMIT, DDL).
    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<(), postgres::Error> {
        let r = self.client.batch_execute(sql);
        self.note(r)
    }

    pub(crate) fn copy_in(&mut self, sql: &str) -> Result<CopyInWriter<'_>, postgres::Error> {
        self.client.copy_in(sql)
    }
}
