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
    reply(
        agent()
            .post(format!("{}{path}", s.base))
            .header("Cookie", cookie)
            .header("Content-Type", "multipart/form-data; boundary=XyZ")
            .send(&body[..])
            .unwrap(),
    )
}
