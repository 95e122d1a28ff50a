//! HTTP helpers for the tests that drive a served sokenh: requests with or without a session
//! cookie, sign-in through the form (with its anti-forgery value), CSRF fields, uploads.

use super::DemoServer as Server;

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into()
}

pub struct Reply {
    pub status: u16,
    pub location: String,
    pub cookie: Option<String>,
    pub body: String,
}

pub fn reply(mut r: ureq::http::Response<ureq::Body>) -> Reply {
    let header = |k: &str| {
        r.headers()
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let location = header("location").unwrap_or_default();
    let cookie = header("set-cookie").and_then(|c| c.split(';').next().map(str::to_owned));
    let status = r.status().as_u16();
    let body = r.body_mut().read_to_string().unwrap_or_default();
    Reply {
        status,
        location,
        cookie,
        body,
    }
}

pub fn get(s: &Server, path: &str, cookie: Option<&str>) -> Reply {
    let mut req = agent().get(format!("{}{path}", s.base));
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    reply(req.call().unwrap())
}

/// The body of a GET as bytes (a picture, a file), after asserting it answered 200.
pub fn get_bytes(s: &Server, path: &str, cookie: Option<&str>) -> Vec<u8> {
    let mut req = agent().get(format!("{}{path}", s.base));
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    let mut r = req.call().unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    r.body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap()
}

pub fn post(s: &Server, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Reply {
    // The sign-in form carries the anti-forgery value its page set in a cookie.
    if path == "/dang-nhap" && !form.iter().any(|(k, _)| *k == "csrf") {
        let page = get(s, "/dang-nhap", None);
        let token = csrf(&page.body);
        let login_cookie = page.cookie.expect("the sign-in page sets its cookie");
        let mut with: Vec<(&str, &str)> = vec![("csrf", &token)];
        with.extend_from_slice(form);
        let both = match cookie {
            Some(c) => format!("{c}; {login_cookie}"),
            None => login_cookie,
        };
        return post(s, path, Some(&both), &with);
    }
    let mut req = agent().post(format!("{}{path}", s.base));
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    reply(req.send_form(form.iter().copied()).unwrap())
}

/// A JSON body POSTed (the API's writes).
pub fn post_json(s: &Server, path: &str, cookie: &str, body: &serde_json::Value) -> Reply {
    let req = agent()
        .post(format!("{}{path}", s.base))
        .header("Cookie", cookie)
        .header("Content-Type", "application/json");
    reply(req.send(body.to_string()).unwrap())
}

pub fn login(s: &Server, user: &str, password: &str) -> String {
    let r = post(
        s,
        "/dang-nhap",
        None,
        &[("username", user), ("password", password)],
    );
    assert_eq!(r.status, 303, "login {user}: {}", r.body);
    r.cookie.expect("a session cookie")
}

pub fn csrf(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    body[at..at + 64].to_owned()
}

pub fn upload(s: &Server, cookie: &str, csrf: &str, name: &str, bytes: &[u8]) -> Reply {
    upload_to(s, "/so-dang-ky/nhap", cookie, csrf, name, bytes)
}

pub fn upload_to(
    s: &Server,
    path: &str,
    cookie: &str,
    csrf: &str,
    name: &str,
    bytes: &[u8],
) -> Reply {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    raw_post(s, path, cookie, "multipart/form-data; boundary=XyZ", &body)
}

/// A POST as a browser sends it: the server may answer (a refusal: 403, 413) before it has read
/// the body and close the connection, so what cannot be written any more is let go and the
/// answer is read all the same (an HTTP client library stops at the broken pipe instead).
pub fn raw_post(s: &Server, path: &str, cookie: &str, content_type: &str, body: &[u8]) -> Reply {
    streamed_post(s, path, cookie, content_type, body.len(), |conn| {
        use std::io::Write;
        let _ = conn.write_all(body);
    })
}

/// A file of `size` bytes uploaded as a form's `file` field (with the form's `csrf`), written in
/// pieces as a browser streams it and never held whole: for the size limits.
pub fn upload_of_size(
    s: &Server,
    path: &str,
    cookie: &str,
    csrf: &str,
    name: &str,
    size: usize,
) -> Reply {
    let head = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    );
    let tail = "\r\n--XyZ--\r\n";
    let len = head.len() + size + tail.len();
    streamed_post(
        s,
        path,
        cookie,
        "multipart/form-data; boundary=XyZ",
        len,
        |conn| {
            use std::io::Write;
            let piece = vec![b'x'; 1 << 20];
            if conn.write_all(head.as_bytes()).is_err() {
                return;
            }
            let mut left = size;
            while left > 0 {
                let n = left.min(piece.len());
                // The server stops reading once it refuses: what is left is let go.
                if conn.write_all(&piece[..n]).is_err() {
                    return;
                }
                left -= n;
            }
            let _ = conn.write_all(tail.as_bytes());
        },
    )
}

/// A POST whose body `write` sends (declared `len` bytes long); the answer read as it comes.
fn streamed_post(
    s: &Server,
    path: &str,
    cookie: &str,
    content_type: &str,
    len: usize,
    write: impl FnOnce(&mut std::net::TcpStream),
) -> Reply {
    use std::io::{Read, Write};
    let host = s.base.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(host).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
    );
    conn.write_all(head.as_bytes()).unwrap();
    write(&mut conn);
    let mut raw = Vec::new();
    let _ = conn.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut payload = raw[split + 4..].to_vec();
    let header = |k: &str| {
        head.lines().skip(1).find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case(k)
                .then(|| value.trim().to_owned())
        })
    };
    if header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        let mut out = Vec::new();
        let mut rest = &payload[..];
        while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&rest[..eol])
                    .split(';')
                    .next()
                    .unwrap()
                    .trim(),
                16,
            )
            .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 2 + size + 2..];
        }
        payload = out;
    }
    Reply {
        status: head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .expect("a status"),
        location: header("location").unwrap_or_default(),
        cookie: header("set-cookie").and_then(|c| c.split(';').next().map(str::to_owned)),
        body: String::from_utf8_lossy(&payload).into_owned(),
    }
}

/// A multipart body (boundary `XyZ`) of text fields and files.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, name, bytes) in files {
        body.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--XyZ--\r\n");
    body
}
