//! `connector oidc keygen|jwks|discovery|token`: the vendor as an OIDC issuer, from the
//! command line (issue 17). `keygen` writes a private key to a new 0600 file (the only place a
//! private key is ever written); `jwks` and `discovery` print the documents the product serves
//! from its issuer's HTTPS host; `token` prints a signed JWT for `AssumeRoleWithWebIdentity`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use clap::{Subcommand, ValueEnum};
use connector_core::oidc::{
    DEFAULT_MAX_TOKEN_TTL, DiscoveryDocument, Issuer, IssuerUrl, Jwks, KeySet, OidcError,
    SigningAlgorithm, SigningKey, TokenRequest,
};
use secrecy::ExposeSecret;
use secrecy::zeroize::Zeroizing;
use serde::Serialize;

use crate::exit::Outcome;
use crate::fleet::duration;
use crate::output::{outln, print_json, read_file};

#[derive(Debug, Subcommand)]
pub(crate) enum OidcCommand {
    /// Generate a signing key from the OS CSPRNG and write it to a new file readable by its
    /// owner only (0600). Prints the key's kid and algorithm, never the key.
    Keygen {
        /// The file to create (refused if it exists).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The signature algorithm.
        #[arg(long, value_enum, default_value_t = Alg::Es256)]
        alg: Alg,
        /// The file format: PKCS#8 PEM, or a private JWK (ES256 only).
        #[arg(long, value_enum, default_value_t = KeyFormat::Pem)]
        format: KeyFormat,
    },
    /// Print the JWKS (public keys, with their kid) of one or more private key files: serve it
    /// at ISSUER/.well-known/jwks.json.
    Jwks {
        /// Private key files (PKCS#8 PEM or JWK): current, next, retired.
        #[arg(long = "key", value_name = "FILE", required = true, num_args = 1..)]
        keys: Vec<PathBuf>,
    },
    /// Print the discovery document: serve it at ISSUER/.well-known/openid-configuration.
    Discovery {
        /// The issuer URL: https://, no trailing slash, no query or fragment.
        #[arg(long, value_name = "URL")]
        issuer: String,
        /// The signature algorithms of the published keys.
        #[arg(long = "alg", value_enum, default_values_t = [Alg::Es256])]
        algs: Vec<Alg>,
    },
    /// Print a signed token (a JWT) for AssumeRoleWithWebIdentity: sub org/TENANT, aud
    /// sts.amazonaws.com.
    Token {
        /// The private key file (PKCS#8 PEM or JWK).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The issuer URL (the token's iss).
        #[arg(long, value_name = "URL")]
        issuer: String,
        /// The tenant: the token's sub is org/TENANT.
        #[arg(long, value_name = "T")]
        tenant: String,
        /// The token's lifetime, with its unit (300s, 5m, 1h); at most one hour.
        #[arg(long, value_name = "DURATION", default_value = "5m")]
        ttl: String,
    },
}

/// `--alg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Alg {
    /// ECDSA P-256 with SHA-256.
    #[value(name = "ES256")]
    Es256,
    /// RSA PKCS#1 v1.5 with SHA-256 (2048-bit keys).
    #[value(name = "RS256")]
    Rs256,
}

impl Alg {
    fn algorithm(self) -> SigningAlgorithm {
        match self {
            Alg::Es256 => SigningAlgorithm::Es256,
            Alg::Rs256 => SigningAlgorithm::Rs256,
        }
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyFormat {
    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    Pem,
    /// A private JWK (ES256 keys only).
    Jwk,
}

/// What `keygen` prints: no key material.
#[derive(Debug, Serialize)]
struct Generated {
    kid: String,
    alg: &'static str,
    file: String,
}

pub(crate) fn run(command: OidcCommand) -> Outcome {
    match command {
        OidcCommand::Keygen { out, alg, format } => keygen(&out, alg, format),
        OidcCommand::Jwks { keys } => jwks(&keys),
        OidcCommand::Discovery { issuer, algs } => discovery(&issuer, &algs),
        OidcCommand::Token {
            key,
            issuer,
            tenant,
            ttl,
        } => token(&key, &issuer, &tenant, &ttl),
    }
}

fn keygen(out: &Path, alg: Alg, format: KeyFormat) -> Outcome {
    if format == KeyFormat::Jwk && alg == Alg::Rs256 {
        return Outcome::BadInput(
            "--format: jwk is for ES256 keys; write an RS256 key as pem".to_owned(),
        );
    }
    let key = match SigningKey::generate(alg.algorithm()) {
        Ok(key) => key,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let text = match format {
        KeyFormat::Pem => key.to_pkcs8_pem(),
        KeyFormat::Jwk => match key.to_private_jwk() {
            Ok(jwk) => jwk,
            Err(e) => return Outcome::Failed(e.to_string()),
        },
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(out).and_then(|mut file| {
        file.write_all(text.expose_secret().as_bytes())?;
        if format == KeyFormat::Jwk {
            file.write_all(b"\n")?;
        }
        file.sync_all()
    });
    if let Err(e) = written {
        return Outcome::BadInput(format!("--out {}: cannot create it: {e}", out.display()));
    }
    print_json(&Generated {
        kid: key.kid().to_owned(),
        alg: key.algorithm().as_str(),
        file: out.display().to_string(),
    });
    Outcome::Ok
}

/// A private key from a PEM or JWK file; bad content is bad input naming the flag and file.
pub(crate) fn load_key(flag: &str, file: &Path) -> Result<SigningKey, Outcome> {
    let text = Zeroizing::new(read_file(file).map_err(|outcome| match outcome {
        Outcome::BadInput(message) => Outcome::BadInput(format!("{flag} {message}")),
        other => other,
    })?);
    let loaded = if text.trim_start().starts_with("-----BEGIN") {
        SigningKey::from_pkcs8_pem(&text)
    } else {
        SigningKey::from_jwk(&text)
    };
    loaded.map_err(|e| Outcome::BadInput(format!("{flag} {}: {e}", file.display())))
}

fn jwks(files: &[PathBuf]) -> Outcome {
    let mut keys = Vec::new();
    let mut kids: Vec<String> = Vec::new();
    for file in files {
        let key = match load_key("--key", file) {
            Ok(key) => key,
            Err(outcome) => return outcome,
        };
        if !kids.iter().any(|kid| kid == key.kid()) {
            kids.push(key.kid().to_owned());
            keys.push(key.public_jwk().clone());
        }
    }
    print_json(&Jwks::new(keys));
    Outcome::Ok
}

fn issuer_url(issuer: &str) -> Result<IssuerUrl, Outcome> {
    IssuerUrl::parse(issuer).map_err(|e| Outcome::BadInput(format!("--issuer: {e}")))
}

fn discovery(issuer: &str, algs: &[Alg]) -> Outcome {
    let url = match issuer_url(issuer) {
        Ok(url) => url,
        Err(outcome) => return outcome,
    };
    let algorithms: Vec<SigningAlgorithm> = algs.iter().map(|a| a.algorithm()).collect();
    print_json(&DiscoveryDocument::new(&url, &algorithms));
    Outcome::Ok
}

fn token(key: &Path, issuer: &str, tenant: &str, ttl_text: &str) -> Outcome {
    let ttl = match duration::flag("--ttl", ttl_text) {
        Ok(ttl) => ttl,
        Err(outcome) => return outcome,
    };
    if ttl.subsec_nanos() != 0 || ttl.is_zero() || ttl > DEFAULT_MAX_TOKEN_TTL {
        return Outcome::BadInput(format!(
            "--ttl {ttl_text:?}: whole seconds from 1s to {}",
            duration::show(DEFAULT_MAX_TOKEN_TTL)
        ));
    }
    if tenant.is_empty() || tenant.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Outcome::BadInput(
            "--tenant: must be non-empty, without spaces or control characters".to_owned(),
        );
    }
    let url = match issuer_url(issuer) {
        Ok(url) => url,
        Err(outcome) => return outcome,
    };
    let key = match load_key("--key", key) {
        Ok(key) => key,
        Err(outcome) => return outcome,
    };
    let issuer = Issuer::new(url, KeySet::new(key));
    let request = TokenRequest::for_tenant(tenant).with_ttl(ttl);
    match issuer.mint(&request, SystemTime::now()) {
        Ok(token) => {
            outln!("{}", token.expose_secret());
            Outcome::Ok
        }
        Err(e @ OidcError::InvalidClaim { .. }) => Outcome::BadInput(e.to_string()),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}
