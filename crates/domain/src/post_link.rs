//! A post's link as an officer pastes it from the platform: the post's own key (the same post
//! reached through its mobile, web or tracking-laden links is one key) and the page, channel or
//! group it was posted in, when the link names it.
//!
//! Per platform: Facebook (`/<page>/posts|videos|photos/<id>`, `/groups/<g>/posts|permalink/<id>`,
//! `permalink.php`/`story.php?story_fbid=…&id=…`, `/reel/<id>`, `/watch?v=`, `/share/<kind>/<code>`,
//! `photo.php?fbid=`), YouTube (`watch?v=`, `youtu.be`, `/shorts/`, `/live/`, `/embed/`), TikTok
//! (`/@user/video|photo/<id>`, `vt.`/`vm.` short links), Telegram (`t.me/<channel>/<n>`,
//! `t.me/s/<channel>/<n>`, `t.me/c/<id>/<n>`), a website's article. Zalo groups' posts have no
//! link: a Zalo link (or any page's own link) names the page and no post. Post ids keep their
//! case (`pfbid…`, short codes are case-sensitive); page names do not.

use crate::enums::Platform;
use crate::url::{CanonicalUrl, UrlError};

/// What a pasted link says of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostLink {
    pub platform: Platform,
    /// The post's canonical link, None when the link is a page's own (or a Zalo group's).
    pub post: Option<String>,
    /// The page the post is in, None when the link does not say (a YouTube video, a Facebook
    /// reel or share link, a TikTok short link).
    pub page: Option<CanonicalUrl>,
}

impl PostLink {
    /// Reads a pasted link; refused as [`CanonicalUrl::parse`] refuses.
    pub fn parse(input: &str) -> Result<PostLink, UrlError> {
        let canonical = CanonicalUrl::parse(input)?;
        let platform = canonical.platform();
        let trimmed = input.trim().trim_end_matches(['.', ',', ';']);
        let lower = trimmed.to_ascii_lowercase();
        let with_scheme = if lower.starts_with("http://") || lower.starts_with("https://") {
            trimmed.to_owned()
        } else {
            format!("https://{}", trimmed.trim_start_matches('/'))
        };
        let parsed =
            url::Url::parse(&with_scheme).map_err(|_| UrlError::NotALink(trimmed.to_owned()))?;
        let host = parsed
            .host_str()
            .unwrap_or_default()
            .trim_start_matches("www.")
            .to_owned();
        let seg: Vec<String> = parsed
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        let param = |name: &str| {
            parsed
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .filter(|v| !v.is_empty())
        };
        let low = |i: usize| seg.get(i).map(|s| s.to_lowercase());
        let page = Some(canonical.clone());
        let (post, page) = match platform {
            Platform::Facebook => {
                const FB: &str = "https://facebook.com";
                match (low(0).as_deref(), low(1).as_deref()) {
                    (Some("groups"), Some(g)) => match (low(2).as_deref(), seg.get(3)) {
                        (Some("posts" | "permalink"), Some(id)) => {
                            (Some(format!("{FB}/groups/{g}/posts/{id}")), page)
                        }
                        _ => (None, page),
                    },
                    (Some("permalink.php" | "story.php"), _) => {
                        match (param("story_fbid"), param("id")) {
                            (Some(story), Some(id)) => (
                                Some(format!("{FB}/permalink.php?story_fbid={story}&id={id}")),
                                page,
                            ),
                            _ => (None, None),
                        }
                    }
                    (Some("reel"), Some(_)) => (Some(format!("{FB}/reel/{}", seg[1])), None),
                    (Some("watch"), _) => match param("v") {
                        Some(v) => (Some(format!("{FB}/watch?v={v}")), None),
                        None => (None, None),
                    },
                    (Some("share"), Some(_)) => {
                        (Some(format!("{FB}/share/{}", seg[1..].join("/"))), None)
                    }
                    (Some("photo.php" | "photo"), _) => match param("fbid") {
                        Some(id) => (Some(format!("{FB}/photo.php?fbid={id}")), None),
                        None => (None, None),
                    },
                    (Some(name), Some(kind @ ("posts" | "videos" | "photos" | "reels")))
                        if seg.len() >= 3 =>
                    {
                        let id = &seg[seg.len() - 1];
                        (Some(format!("{FB}/{name}/{kind}/{id}")), page)
                    }
                    _ => (None, page),
                }
            }
            Platform::Youtube => {
                let video = if host.ends_with("youtu.be") {
                    seg.first().cloned()
                } else {
                    match low(0).as_deref() {
                        Some("watch") => param("v"),
                        Some("shorts" | "live" | "embed") => seg.get(1).cloned(),
                        _ => None,
                    }
                };
                match video {
                    Some(v) => (Some(format!("https://youtube.com/watch?v={v}")), None),
                    None => (None, page),
                }
            }
            Platform::Tiktok => {
                if host.starts_with("vt.") || host.starts_with("vm.") {
                    match seg.first() {
                        Some(code) => (Some(format!("https://{host}/{code}")), None),
                        None => (None, None),
                    }
                } else {
                    match (low(0), low(1).as_deref(), seg.get(2)) {
                        (Some(user), Some(kind @ ("video" | "photo")), Some(id))
                            if user.starts_with('@') =>
                        {
                            (Some(format!("https://tiktok.com/{user}/{kind}/{id}")), page)
                        }
                        _ => (None, page),
                    }
                }
            }
            Platform::Telegram => {
                fn number(s: Option<&String>) -> Option<&String> {
                    s.filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
                }
                match low(0).as_deref() {
                    Some("c") => match (seg.get(1), number(seg.get(2))) {
                        (Some(id), Some(n)) => (Some(format!("https://t.me/c/{id}/{n}")), None),
                        _ => (None, None),
                    },
                    Some("s") => match (low(1), number(seg.get(2))) {
                        (Some(name), Some(n)) => (Some(format!("https://t.me/{name}/{n}")), page),
                        _ => (None, page),
                    },
                    Some(name) => match number(seg.get(1)) {
                        Some(n) => (Some(format!("https://t.me/{name}/{n}")), page),
                        None => (None, page),
                    },
                    None => (None, None),
                }
            }
            Platform::Zalo => (None, page),
            _ => {
                // A website: the article is the post, the site is the page.
                let site = CanonicalUrl::parse(&format!("https://{host}")).ok();
                if seg.is_empty() {
                    (None, page)
                } else {
                    (Some(canonical.to_string()), site)
                }
            }
        };
        Ok(PostLink {
            platform,
            post,
            page,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> String {
        match PostLink::parse(s) {
            Ok(l) => format!(
                "{} | {} | {}",
                l.platform.as_str(),
                l.post.as_deref().unwrap_or("-"),
                l.page.as_ref().map_or("-".to_owned(), |p| p.to_string())
            ),
            Err(e) => format!("ERR {e}"),
        }
    }

    #[test]
    fn every_platform_s_post_links() {
        let cases = [
            (
                "https://m.facebook.com/CongAn.ThachQuang/posts/pfbid02AbC?mibextid=x",
                "facebook | https://facebook.com/congan.thachquang/posts/pfbid02AbC | https://facebook.com/congan.thachquang",
            ),
            (
                "https://www.facebook.com/groups/thachquangquetoi/permalink/987654/?__cft__=z",
                "facebook | https://facebook.com/groups/thachquangquetoi/posts/987654 | https://facebook.com/groups/thachquangquetoi",
            ),
            (
                "https://facebook.com/groups/thachquangquetoi/posts/987654",
                "facebook | https://facebook.com/groups/thachquangquetoi/posts/987654 | https://facebook.com/groups/thachquangquetoi",
            ),
            (
                "https://m.facebook.com/story.php?story_fbid=pfbid0X&id=100089123456789&ref=bookmarks",
                "facebook | https://facebook.com/permalink.php?story_fbid=pfbid0X&id=100089123456789 | https://facebook.com/100089123456789",
            ),
            (
                "https://www.facebook.com/ubnd.thachquang/videos/1234567890/",
                "facebook | https://facebook.com/ubnd.thachquang/videos/1234567890 | https://facebook.com/ubnd.thachquang",
            ),
            (
                "https://www.facebook.com/reel/1187654321",
                "facebook | https://facebook.com/reel/1187654321 | -",
            ),
            (
                "https://www.facebook.com/share/p/1AbCdEf/",
                "facebook | https://facebook.com/share/p/1AbCdEf | -",
            ),
            (
                "https://www.facebook.com/congan.thachquang",
                "facebook | - | https://facebook.com/congan.thachquang",
            ),
            (
                "https://youtu.be/dQw4w9WgXcQ?si=abc",
                "youtube | https://youtube.com/watch?v=dQw4w9WgXcQ | -",
            ),
            (
                "https://www.youtube.com/shorts/AbC123xyz",
                "youtube | https://youtube.com/watch?v=AbC123xyz | -",
            ),
            (
                "https://www.youtube.com/@ThachQuangTV",
                "youtube | - | https://youtube.com/@thachquangtv",
            ),
            (
                "https://www.tiktok.com/@Chobanhang.TQ/video/7301234567890?is_from_webapp=1",
                "tiktok | https://tiktok.com/@chobanhang.tq/video/7301234567890 | https://tiktok.com/@chobanhang.tq",
            ),
            (
                "https://vt.tiktok.com/ZSAbCd12/",
                "tiktok | https://vt.tiktok.com/ZSAbCd12 | -",
            ),
            (
                "t.me/ThachQuangNews/1234",
                "telegram | https://t.me/thachquangnews/1234 | https://t.me/thachquangnews",
            ),
            (
                "https://t.me/s/thachquangnews/1234",
                "telegram | https://t.me/thachquangnews/1234 | https://t.me/thachquangnews",
            ),
            (
                "https://t.me/c/1234567890/55",
                "telegram | https://t.me/c/1234567890/55 | -",
            ),
            (
                "https://zalo.me/g/AbCxyz123",
                "zalo | - | https://zalo.me/g/AbCxyz123",
            ),
            (
                "https://baothanhhoa.vn/tin-tuc/lua-dao-123.html?utm_source=fb",
                "website | https://baothanhhoa.vn/tin-tuc/lua-dao-123.html | https://baothanhhoa.vn",
            ),
            (
                "javascript:alert(1)",
                "ERR giao thức «javascript» không được chấp nhận, chỉ http/https / scheme not allowed",
            ),
            ("", "ERR đường dẫn trống / empty link"),
        ];
        for (input, expected) in cases {
            assert_eq!(read(input), expected, "{input}");
        }
    }
}
