//! `connector policy eval` input: which kind of caller `--principal` names, and the checks
//! on `--principal` and `--action` (bad input exits 2 naming the flag).

use clap::ValueEnum;
use iam_policy::RequestPrincipal;

/// What `--principal` names (`--principal-kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PrincipalKindArg {
    /// An IAM identity: `--principal` is its ARN (user, role, assumed-role session, root).
    Aws,
    /// An AWS service: `--principal` is its service principal, e.g. `ec2.amazonaws.com`.
    Service,
    /// A federated caller: `--principal` is the identity provider (an OIDC/SAML provider ARN
    /// or a name such as `cognito-identity.amazonaws.com`).
    Federated,
    /// An S3 canonical user: `--principal` is the canonical user id.
    CanonicalUser,
    /// An anonymous (unauthenticated) caller: takes no `--principal`.
    Anonymous,
}

/// The request's principal from `--principal-kind` (default `aws`) and `--principal`.
/// `Ok(None)`: no principal (the default kind without `--principal`).
pub(crate) fn request_principal(
    kind: Option<PrincipalKindArg>,
    value: Option<String>,
) -> Result<Option<RequestPrincipal>, String> {
    let kind_name = |kind: PrincipalKindArg| {
        kind.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_owned())
    };
    match (kind.unwrap_or(PrincipalKindArg::Aws), value) {
        (PrincipalKindArg::Anonymous, Some(_)) => Err(
            "--principal: an anonymous caller has no identity; leave out --principal with --principal-kind anonymous".to_owned(),
        ),
        (PrincipalKindArg::Anonymous, None) => Ok(Some(RequestPrincipal::Anonymous)),
        (PrincipalKindArg::Aws, None) if kind.is_none() => Ok(None),
        (kind, None) => Err(format!(
            "--principal: --principal-kind {} needs --principal VALUE naming the caller",
            kind_name(kind)
        )),
        (kind, Some(value)) => {
            if value.is_empty() || value.chars().any(char::is_whitespace) {
                return Err(format!(
                    "--principal: {:?} is not a {} principal: it must be non-empty, without spaces",
                    excerpt(&value),
                    kind_name(kind)
                ));
            }
            Ok(Some(match kind {
                PrincipalKindArg::Aws => RequestPrincipal::Aws(
                    value.parse().map_err(|e| format!("--principal: {e}"))?,
                ),
                PrincipalKindArg::Service => RequestPrincipal::Service(value),
                PrincipalKindArg::Federated => RequestPrincipal::Federated(value),
                PrincipalKindArg::CanonicalUser => RequestPrincipal::CanonicalUser(value),
                PrincipalKindArg::Anonymous => RequestPrincipal::Anonymous,
            }))
        }
    }
}

/// `--action` names one action, `service:ActionName`: both parts present, no spaces and no
/// wildcards (a request is for one action; patterns belong in the policy).
pub(crate) fn check_action(action: &str) -> Result<(), String> {
    let well_formed = action.split_once(':').is_some_and(|(service, name)| {
        !service.is_empty()
            && !name.is_empty()
            && !name.contains(':')
            && !action.contains(|c: char| c.is_whitespace() || c == '*' || c == '?')
    });
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "--action: {:?} is not an action; write service:ActionName, e.g. s3:GetObject",
            excerpt(action)
        ))
    }
}

/// At most 80 characters of a value, for messages.
fn excerpt(value: &str) -> String {
    match value.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", value.get(..cut).unwrap_or_default()),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_kinds_and_their_values() {
        use PrincipalKindArg::*;
        assert_eq!(request_principal(None, None), Ok(None));
        assert_eq!(
            request_principal(Some(Anonymous), None),
            Ok(Some(RequestPrincipal::Anonymous))
        );
        assert_eq!(
            request_principal(Some(Service), Some("ec2.amazonaws.com".into())),
            Ok(Some(RequestPrincipal::Service("ec2.amazonaws.com".into())))
        );
        for bad in [
            request_principal(Some(Anonymous), Some("x".into())),
            request_principal(Some(Service), None),
            request_principal(Some(Aws), None),
            request_principal(Some(Federated), Some(String::new())),
            request_principal(None, Some("bob".into())),
        ] {
            assert!(bad.unwrap_err().starts_with("--principal"));
        }
    }

    #[test]
    fn actions_need_a_service_and_a_name() {
        assert!(check_action("s3:GetObject").is_ok());
        for bad in [
            "",
            ":",
            "s3:",
            ":GetObject",
            "s3",
            "s3:Get*",
            "s3:a b",
            "a:b:c",
        ] {
            assert!(
                check_action(bad).unwrap_err().starts_with("--action"),
                "{bad}"
            );
        }
    }
}
