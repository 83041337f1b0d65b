//! The settings of `connector serve`, from flags, the environment (`CONNECTOR_*`) and a
//! YAML (or JSON) file, in that precedence: a flag beats its variable, which beats the
//! file, which beats the default.

use std::path::Path;

use serde::Deserialize;

use crate::exit::Outcome;

/// The file's keys (all optional; unknown keys are refused).
#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSettings {
    pub(crate) listen: Option<String>,
    pub(crate) store: Option<String>,
    pub(crate) directory: Option<String>,
    pub(crate) simulate: Option<bool>,
    pub(crate) json_logs: Option<bool>,
    pub(crate) fleet: Option<bool>,
    pub(crate) public_url: Option<String>,
    pub(crate) template_url: Option<String>,
    pub(crate) vendor_account: Option<String>,
    pub(crate) vendor_role: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) sns_topic_arn: Option<String>,
    pub(crate) max_body_bytes: Option<usize>,
    pub(crate) request_timeout_seconds: Option<u64>,
    pub(crate) page_token_ttl_seconds: Option<u64>,
    pub(crate) per_key_rate: Option<f64>,
    pub(crate) per_ip_rate: Option<f64>,
    pub(crate) trusted_proxies: Option<Vec<String>>,
}

impl FileSettings {
    /// Reads `path` (YAML; JSON is YAML too).
    pub(crate) fn read(path: &Path) -> Result<FileSettings, Outcome> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Outcome::BadInput(format!("--config {}: {e}", path.display())))?;
        serde_yaml_ng::from_str(&text)
            .map_err(|e| Outcome::BadInput(format!("--config {}: {e}", path.display())))
    }
}

/// Where a setting's value comes from, highest first.
pub(crate) struct Sources<'a> {
    pub(crate) env: &'a dyn Fn(&str) -> Option<String>,
    pub(crate) file: &'a FileSettings,
}

impl Sources<'_> {
    /// A text setting: the flag, else `CONNECTOR_{NAME}`, else the file's value.
    pub(crate) fn text(
        &self,
        flag: Option<&String>,
        name: &str,
        file: impl Fn(&FileSettings) -> Option<String>,
    ) -> Option<String> {
        flag.cloned()
            .or_else(|| (self.env)(&format!("CONNECTOR_{name}")).filter(|v| !v.is_empty()))
            .or_else(|| file(self.file))
    }

    /// A switch: on when the flag is given, else `CONNECTOR_{NAME}` (true/false/1/0),
    /// else the file's value, else `default`.
    pub(crate) fn switch(
        &self,
        flag: bool,
        name: &str,
        file: Option<bool>,
        default: bool,
    ) -> Result<bool, Outcome> {
        if flag {
            return Ok(true);
        }
        let variable = format!("CONNECTOR_{name}");
        match (self.env)(&variable).as_deref() {
            Some("1" | "true" | "yes") => Ok(true),
            Some("0" | "false" | "no") => Ok(false),
            Some("") | None => Ok(file.unwrap_or(default)),
            Some(other) => Err(Outcome::BadInput(format!(
                "{variable} {other:?}: true or false"
            ))),
        }
    }

    /// A number: `CONNECTOR_{NAME}`, else the file's value, else `default`.
    pub(crate) fn number<T: std::str::FromStr>(
        &self,
        name: &str,
        file: Option<T>,
        default: T,
    ) -> Result<T, Outcome> {
        let variable = format!("CONNECTOR_{name}");
        match (self.env)(&variable).filter(|v| !v.is_empty()) {
            Some(text) => text
                .parse()
                .map_err(|_| Outcome::BadInput(format!("{variable} {text:?}: a number"))),
            None => Ok(file.unwrap_or(default)),
        }
    }
}

/// The proxies whose `X-Forwarded-For` the per-IP rate limit believes: the flag's or
/// `CONNECTOR_TRUSTED_PROXIES`'s comma-separated list, else the file's list; each a network
/// (`10.0.0.0/8`, `fd00::/8`) or one address. An error names where the bad entry came from.
pub(crate) fn trusted_proxies(
    flag: Option<&String>,
    sources: &Sources<'_>,
) -> Result<Vec<ipnet::IpNet>, Outcome> {
    let (source, entries): (String, Vec<String>) = match flag
        .cloned()
        .map(|f| ("--trusted-proxies".to_owned(), f))
        .or_else(|| {
            (sources.env)("CONNECTOR_TRUSTED_PROXIES")
                .filter(|v| !v.is_empty())
                .map(|v| ("CONNECTOR_TRUSTED_PROXIES".to_owned(), v))
        }) {
        Some((source, text)) => (source, text.split(',').map(str::to_owned).collect()),
        None => (
            "--config trusted_proxies".to_owned(),
            sources.file.trusted_proxies.clone().unwrap_or_default(),
        ),
    };
    entries
        .iter()
        .map(|entry| entry.trim())
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    Outcome::BadInput(format!(
                        "{source} {entry:?}: a network such as 10.0.0.0/8 or an IP address"
                    ))
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_proxies_come_from_the_flag_the_environment_or_the_file_and_name_their_source() {
        let file = FileSettings {
            trusted_proxies: Some(vec!["10.0.0.0/8".into(), "fd00::1".into()]),
            ..FileSettings::default()
        };
        let no_env = |_: &str| None;
        let sources = Sources {
            env: &no_env,
            file: &file,
        };
        let from_file = trusted_proxies(None, &sources).unwrap();
        assert_eq!(
            from_file,
            vec![
                "10.0.0.0/8".parse::<ipnet::IpNet>().unwrap(),
                "fd00::1/128".parse().unwrap()
            ]
        );
        let env = |name: &str| {
            (name == "CONNECTOR_TRUSTED_PROXIES").then(|| "192.168.0.0/16, 127.0.0.1".to_owned())
        };
        let sources = Sources {
            env: &env,
            file: &file,
        };
        assert_eq!(trusted_proxies(None, &sources).unwrap().len(), 2);
        let flag = "172.16.0.0/12".to_owned();
        assert_eq!(
            trusted_proxies(Some(&flag), &sources).unwrap(),
            vec!["172.16.0.0/12".parse::<ipnet::IpNet>().unwrap()]
        );
        for (flag, env_value, named) in [
            (Some("10.0.0.0/33"), None, "--trusted-proxies"),
            (None, Some("lb.internal"), "CONNECTOR_TRUSTED_PROXIES"),
        ] {
            let flag = flag.map(str::to_owned);
            let env = move |name: &str| {
                (name == "CONNECTOR_TRUSTED_PROXIES")
                    .then(|| env_value.unwrap_or_default().to_owned())
            };
            let sources = Sources {
                env: &env,
                file: &FileSettings::default(),
            };
            let Err(Outcome::BadInput(message)) = trusted_proxies(flag.as_ref(), &sources) else {
                panic!("{named}: accepted");
            };
            assert!(message.starts_with(named), "{message}");
        }
        let bad_file = FileSettings {
            trusted_proxies: Some(vec!["nonsense".into()]),
            ..FileSettings::default()
        };
        let sources = Sources {
            env: &no_env,
            file: &bad_file,
        };
        let Err(Outcome::BadInput(message)) = trusted_proxies(None, &sources) else {
            panic!("accepted");
        };
        assert!(message.starts_with("--config trusted_proxies"), "{message}");
        let nothing = Sources {
            env: &no_env,
            file: &FileSettings::default(),
        };
        assert!(trusted_proxies(None, &nothing).unwrap().is_empty());
    }

    #[test]
    fn flags_beat_the_environment_which_beats_the_file() {
        let file = FileSettings {
            listen: Some("file:1".into()),
            store: Some("sqlite:file.db".into()),
            public_url: Some("https://file".into()),
            simulate: Some(true),
            max_body_bytes: Some(10),
            ..FileSettings::default()
        };
        let env = |name: &str| match name {
            "CONNECTOR_LISTEN" => Some("env:1".to_owned()),
            "CONNECTOR_STORE" => Some("sqlite:env.db".to_owned()),
            "CONNECTOR_SIMULATE" => Some("false".to_owned()),
            "CONNECTOR_MAX_BODY_BYTES" => Some("20".to_owned()),
            _ => None,
        };
        let sources = Sources {
            env: &env,
            file: &file,
        };
        let flag = "flag:1".to_owned();
        assert_eq!(
            sources.text(Some(&flag), "LISTEN", |f| f.listen.clone()),
            Some(flag.clone())
        );
        assert_eq!(
            sources.text(None, "LISTEN", |f| f.listen.clone()),
            Some("env:1".to_owned())
        );
        assert_eq!(
            sources.text(None, "PUBLIC_URL", |f| f.public_url.clone()),
            Some("https://file".to_owned())
        );
        assert_eq!(
            sources.text(None, "TEMPLATE_URL", |f| f.template_url.clone()),
            None
        );
        assert!(
            !sources
                .switch(false, "SIMULATE", file.simulate, false)
                .unwrap()
        );
        assert!(
            sources
                .switch(true, "SIMULATE", file.simulate, false)
                .unwrap()
        );
        assert!(
            sources
                .switch(false, "JSON_LOGS", Some(true), false)
                .unwrap()
        );
        assert_eq!(
            sources
                .number("MAX_BODY_BYTES", file.max_body_bytes, 1)
                .unwrap(),
            20
        );
        assert_eq!(sources.number("PER_KEY_RATE", None, 5.0).unwrap(), 5.0);
    }

    #[test]
    fn a_bad_variable_or_file_key_is_bad_input_naming_it() {
        let file = FileSettings::default();
        let env = |_: &str| Some("maybe".to_owned());
        let sources = Sources {
            env: &env,
            file: &file,
        };
        match sources.switch(false, "SIMULATE", None, false) {
            Err(Outcome::BadInput(message)) => assert!(message.starts_with("CONNECTOR_SIMULATE")),
            other => panic!("{other:?}"),
        }
        match sources.number::<u64>("MAX_BODY_BYTES", None, 1) {
            Err(Outcome::BadInput(message)) => {
                assert!(message.starts_with("CONNECTOR_MAX_BODY_BYTES"))
            }
            other => panic!("{other:?}"),
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("serve.yaml");
        std::fs::write(&path, "listen: 127.0.0.1:1\nlisten_port: 3\n").unwrap();
        match FileSettings::read(&path) {
            Err(Outcome::BadInput(message)) => {
                assert!(message.contains("listen_port"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        std::fs::write(&path, "listen: 127.0.0.1:1\nsimulate: true\n").unwrap();
        let read = FileSettings::read(&path).unwrap();
        assert_eq!(read.simulate, Some(true));
    }
}
