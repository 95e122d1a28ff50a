//! HTTPS: the server's certificate chain and key read from PEM files (rustls with the ring
//! provider, TLS 1.2 and 1.3), and a self-signed certificate for a closed office network
//! (`sokenh tls self-signed`), with the words an IT person needs to make browsers trust it.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

pub use rustls::ServerConfig;

/// The server's TLS configuration from a PEM certificate chain and its PEM private key.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("không đọc được chứng chỉ {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("chứng chỉ {} không phải PEM hợp lệ", cert.display()))?;
    anyhow::ensure!(
        !chain.is_empty(),
        "tệp {} không có chứng chỉ nào (cần khối BEGIN CERTIFICATE)",
        cert.display()
    );
    let key = PrivateKeyDer::from_pem_file(key).with_context(|| {
        format!(
            "không đọc được khóa riêng {} (PEM: PKCS#8, PKCS#1 hoặc SEC1)",
            key.display()
        )
    })?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .context("chứng chỉ và khóa riêng không đi với nhau")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A self-signed certificate and its key, both PEM.
pub struct SelfSigned {
    pub cert_pem: String,
    pub key_pem: String,
}

/// A certificate for these server names (host names or IP addresses), signed by its own key.
pub fn self_signed(names: &[String]) -> Result<SelfSigned> {
    anyhow::ensure!(!names.is_empty(), "cần ít nhất một tên máy chủ (--name)");
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(names.to_vec())
            .context("không tạo được chứng chỉ tự ký")?;
    Ok(SelfSigned {
        cert_pem: cert.pem(),
        key_pem: signing_key.serialize_pem(),
    })
}
