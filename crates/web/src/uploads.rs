//! Bulk upload (`/tai-len`; officers and administrators): an export file of posts (JSONL, CSV,
//! Telegram `result.json`, Facebook's "Download your information", YouTube API JSON) read as a
//! job. The upload answers at once with the job's page: a progress bar and the counts so far
//! (the page asks again every second; a reload finds the job where it is), then the same report
//! as `sokenh ingest --json`, the rejected lines listed. One job reads at a time; the others
//! wait their turn, said so. Through `app` (`App::ingest_upload`).

use crate::AppState;
use crate::auth::SignedIn;
use crate::pages::{error_page, page};
use crate::require::{Require, need};
use app::posts::Report;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::Permission;
use maud::{Markup, html};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// The largest export file taken (bytes).
pub const MAX_UPLOAD: usize = 512 << 20;
/// Jobs remembered (the oldest forgotten first).
const KEPT: usize = 50;

/// One upload being read.
pub struct Job {
    id: u64,
    owner: String,
    name: String,
    /// The lines to read, for the line formats (JSONL, CSV); None when not known ahead.
    total: Option<u64>,
    state: Mutex<JobState>,
}

#[derive(Clone, Default)]
struct JobState {
    started: bool,
    report: Report,
    done: bool,
    error: Option<String>,
}

/// The jobs of this process, newest last.
#[derive(Default)]
pub struct Jobs {
    next: u64,
    all: VecDeque<Arc<Job>>,
}

impl Jobs {
    /// (waiting their turn, being read).
    pub(crate) fn counts(&self) -> (u64, u64) {
        let (mut waiting, mut running) = (0, 0);
        for job in &self.all {
            let s = crate::lock(&job.state);
            match (s.started, s.done) {
                (false, false) => waiting += 1,
                (true, false) => running += 1,
                _ => {}
            }
        }
        (waiting, running)
    }
}

/// `GET /tai-len`: the form, and the user's recent uploads.
pub async fn show(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Ingest>,
) -> Response {
    let mine: Vec<Arc<Job>> = crate::lock(&state.jobs)
        .all
        .iter()
        .rev()
        .filter(|j| j.owner == user.session.user.username)
        .cloned()
        .collect();
    form_page(&user, &mine, None).into_response()
}

fn form_page(user: &SignedIn, mine: &[Arc<Job>], refused: Option<&str>) -> Markup {
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    page(
        "Tải lên tệp bài đăng",
        Some(user),
        html! {
            h1 { (t("Tải lên tệp bài đăng")) }
            p.note { (t("Tệp xuất dữ liệu: JSONL, CSV, result.json của Telegram, tệp «Tải thông tin của bạn» của Facebook, JSON của YouTube API (tối đa 512 MB). Bài đăng được lưu, lập chỉ mục và rà soát như lệnh sokenh ingest; trang theo dõi cho biết tiến độ.")) }
            @if let Some(why) = refused { p.error role="alert" { (why) } }
            form.stack method="post" action="/tai-len" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(user.session.csrf);
                label { (t("Tệp")) " " input type="file" name="file" required; }
                button type="submit" { (t("Tải lên và đọc")) }
            }
            @if !mine.is_empty() {
                h2 { (t("Các lần tải lên gần đây")) }
                ul {
                    @for j in mine {
                        li { a href=(format!("/tai-len/{}", j.id)) { (j.name) } " · " (status_of(&crate::lock(&j.state))) }
                    }
                }
            }
        },
    )
}

fn status_of(s: &JobState) -> &'static str {
    match (s.started, s.done, &s.error) {
        (_, true, Some(_)) => "không đọc được",
        (_, true, None) => "hoàn tất",
        (true, false, _) => "đang đọc",
        (false, false, _) => "đang chờ lượt",
    }
}

/// `POST /tai-len`: the file kept, a job started; to the job's page at once.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    user: SignedIn,
    multipart: axum::extract::Multipart,
) -> Response {
    let up = match crate::upload::read(&user, Permission::Ingest, multipart, MAX_UPLOAD >> 20).await
    {
        Ok(up) => up,
        Err(r) => return r,
    };
    // As evidence names are kept: the last path component, printable, 120 characters at most.
    let name = app::cases::evidence_name(&up.name);
    let lower = name.to_ascii_lowercase();
    let total = if [".jsonl", ".ndjson", ".csv"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        count_lines(up.file.path()).ok()
    } else {
        None
    };
    let job = {
        let mut jobs = crate::lock(&state.jobs);
        jobs.next += 1;
        let job = Arc::new(Job {
            id: jobs.next,
            owner: user.session.user.username.clone(),
            name: name.clone(),
            total,
            state: Mutex::new(JobState::default()),
        });
        jobs.all.push_back(job.clone());
        while jobs.all.len() > KEPT {
            jobs.all.pop_front();
        }
        job
    };
    let id = job.id;
    let actor = crate::actor(&user.session.user);
    let runner = state.clone();
    tokio::spawn(async move {
        // One job reads at a time.
        let Ok(_turn) = runner.ingesting.acquire().await else {
            return;
        };
        crate::lock(&job.state).started = true;
        let on = job.clone();
        let result = runner
            .changing(move |app| {
                let tell = |r: &Report| crate::lock(&on.state).report = r.clone();
                app.ingest_upload(&actor, up.file.path(), &up.name, &tell)
            })
            .await;
        let mut s = crate::lock(&job.state);
        match result {
            Ok(report) => s.report = report,
            Err(crate::AppError(e)) => {
                s.error = Some(match e.kind {
                    app::ErrorKind::Internal => {
                        app::log::event(
                            app::log::Level::Error,
                            "upload.failed",
                            &[("job", &id), ("detail", &e)],
                        );
                        "lỗi hệ thống / internal error".into()
                    }
                    _ => e.message,
                })
            }
        }
        s.done = true;
    });
    Redirect::to(&format!("/tai-len/{id}")).into_response()
}

/// Lines in a file (a line format's entries, give or take a header).
fn count_lines(path: &std::path::Path) -> std::io::Result<u64> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    Ok(lines + u64::from(last != b'\n'))
}

/// `GET /tai-len/{id}`: the job's progress, or its report; its owner's (and an
/// administrator's) only.
pub async fn job(
    State(state): State<Arc<AppState>>,
    Require(user, _): Require<need::Ingest>,
    Path(id): Path<u64>,
) -> Response {
    let found = crate::lock(&state.jobs)
        .all
        .iter()
        .find(|j| j.id == id)
        .cloned();
    let Some(job) = found.filter(|j| {
        j.owner == user.session.user.username || user.session.user.can(Permission::Administer)
    }) else {
        return error_page(StatusCode::NOT_FOUND, "Không có lần tải lên này.");
    };
    let s = crate::lock(&job.state).clone();
    let t = |vi: &'static str| crate::i18n::tr(user.lang, vi);
    let r = &s.report;
    let body = page(
        "Tải lên tệp bài đăng",
        Some(&user),
        html! {
            p.note { a href="/tai-len" { (t("← Tải lên tệp khác")) } }
            h1 { (t("Tải lên")) " «" (job.name) "»" }
            p role="status" { (status_of(&s)) }
            @if !s.done {
                @match job.total {
                    Some(total) => { progress max=(total.max(1)) value=(r.read.min(total)) { (r.read) " / " (total) } }
                    None => { progress { (r.read) } }
                }
            }
            @if let Some(e) = &s.error { p.error role="alert" { (e) } }
            table.report {
                tr { th { (t("Đã đọc")) } td { (r.read) @if let Some(total) = job.total { " / " (total) " dòng" } } }
                tr { th { (t("Bài mới đã lưu")) } td { (r.inserted) } }
                tr { th { (t("Trùng (đã có)")) } td { (r.duplicates) } }
                tr { th { (t("Dòng bị từ chối")) } td { (r.rejected_total) } }
                tr { th { (t("Trang mới vào sổ")) } td { (r.communities_created) } }
                @if s.done && s.error.is_none() {
                    tr { th { (t("Đã lập chỉ mục")) } td { (r.indexed) } }
                    tr { th { (t("Dấu hiệu phát hiện")) } td { (r.signals) } }
                }
            }
            @if !r.rejected.is_empty() {
                h2 { (t("Dòng bị từ chối")) }
                table {
                    tr { th.nowrap { (t("Dòng")) } th { (t("Lý do")) } }
                    @for x in &r.rejected { tr { td.nowrap { (x.line) } td { (x.reason) } } }
                }
                @if r.rejected_total > r.rejected.len() as u64 {
                    p.note { "… và " (r.rejected_total - r.rejected.len() as u64) " dòng khác." }
                }
            }
        },
    );
    if s.done {
        body.into_response()
    } else {
        // Asked again every second until done (no script: the page's own refresh).
        ([(header::REFRESH, "1")], body).into_response()
    }
}
