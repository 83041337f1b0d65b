//! Principal value checks: empty principals, wildcards, and the shapes IAM accepts for each
//! principal type.

use crate::{AccountId, Partition, Principal, PrincipalClause, PrincipalKind};

use super::FindingCode;
use super::report::{Report, child, item_path, statements};

pub(crate) fn check(doc: &crate::PolicyDocument, report: &mut Report) {
    // Identity and session policies can't have principals at all; that is reported once by
    // the element checks, without picking their values apart as well.
    if report.kind.is_permission_policy() {
        return;
    }
    for (path, statement) in statements(doc) {
        let (name, principal) = match &statement.principal {
            Some(PrincipalClause::Principal(p)) => ("Principal", p),
            Some(PrincipalClause::NotPrincipal(p)) => ("NotPrincipal", p),
            None => continue,
        };
        let base = child(&path, name);
        match principal {
            // Access Analyzer: ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL; a trust
            // policy that means "everyone" must say `{"AWS": "*"}`.
            Principal::Any if report.kind.requires_principal() => report.add(
                FindingCode::RoleTrustPolicyUnsupportedWildcardInPrincipal,
                base,
                "Role trust policies do not support \"Principal\": \"*\". Name the accounts, roles or services that may assume the role (or {\"AWS\": \"*\"} with conditions that restrict it).",
            ),
            Principal::Any => {}
            Principal::Specific(entries) if entries.is_empty() => report.add(
                FindingCode::EmptyObjectPrincipal,
                base,
                format!("{name} is an empty object, so it names nobody. Add the principals, e.g. {{\"AWS\": \"arn:aws:iam::111122223333:root\"}}."),
            ),
            Principal::Specific(entries) => {
                for (kind, ids) in entries {
                    let kind_path = child(&base, kind.as_str());
                    if ids.is_empty() {
                        report.add(
                            FindingCode::EmptyArrayPrincipal,
                            kind_path,
                            format!("The {kind} principal list is empty. List at least one principal or remove the {kind} key."),
                        );
                        continue;
                    }
                    for (i, id) in ids.iter().enumerate() {
                        check_value(*kind, id, item_path(&kind_path, ids, i), report);
                    }
                }
            }
        }
    }
}

fn check_value(kind: PrincipalKind, id: &str, path: String, report: &mut Report) {
    if kind == PrincipalKind::Aws && id == "*" {
        return;
    }
    // IAM User Guide, "AWS JSON policy elements: Principal": "You cannot use a wildcard to
    // match part of a principal name or ARN", and "The service principal ... can't be
    // "Service": "*"". The only wildcard principal is "*" itself (or {"AWS": "*"}).
    if id.contains(['*', '?']) {
        report.add(
            FindingCode::UnsupportedWildcardInPrincipal,
            path,
            format!(
                "{kind} principal {id:?} contains a wildcard, which IAM does not support in principals (it matches nothing or is rejected). Name the principal exactly; to match many roles, name the account and add a condition such as \"ArnLike\": {{\"aws:PrincipalArn\": {id:?}}}."
            ),
        );
        return;
    }
    let problem = match kind {
        PrincipalKind::Aws => aws_principal_problem(id),
        PrincipalKind::Service => {
            if is_dns_name(id) && id.bytes().all(|b| !b.is_ascii_uppercase()) {
                None
            } else {
                report.add(
                    FindingCode::InvalidServicePrincipalFormat,
                    path,
                    format!("{id:?} is not a service principal. Service principals are lowercase DNS-style names such as \"ec2.amazonaws.com\"."),
                );
                return;
            }
        }
        PrincipalKind::Federated => federated_principal_problem(id),
        PrincipalKind::CanonicalUser => (!(id.len() == 64
            && id.bytes().all(|b| b.is_ascii_hexdigit())))
        .then_some("a canonical user id is 64 hexadecimal characters"),
    };
    if let Some(rule) = problem {
        report.add(
            FindingCode::InvalidPrincipalFormat,
            path,
            format!("{kind} principal {id:?} is not valid: {rule}. Fix the value."),
        );
    }
}

/// The AWS principal forms (IAM User Guide, "AWS JSON policy elements: Principal"): `*`, an
/// account id, an account root, IAM user or role ARN, an STS assumed-role or federated-user
/// ARN, or the unique id IAM shows after a named user (`AIDA...`) or role (`AROA...`) was
/// deleted.
fn aws_principal_problem(id: &str) -> Option<&'static str> {
    if AccountId::is_valid(id) || is_unique_id(id) {
        return None;
    }
    if !id.starts_with("arn:") {
        return Some(
            "an AWS principal is \"*\", a 12-digit account id, or the ARN of an account root, IAM user or role, or STS session",
        );
    }
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    let [_, partition, service, region, account, resource] = parts.as_slice() else {
        return Some(
            "an ARN has six colon-separated parts: arn:partition:service:region:account:resource",
        );
    };
    if partition.parse::<Partition>().is_err() {
        return Some("the partition is not one AWS has (aws, aws-cn, aws-us-gov, ...)");
    }
    if !region.is_empty() {
        return Some("IAM and STS principal ARNs have an empty region part");
    }
    // CloudFront origin access identities are IAM users in the "cloudfront" namespace.
    let cloudfront_oai = *service == "iam"
        && *account == "cloudfront"
        && resource.starts_with("user/CloudFront Origin Access Identity ");
    if !(AccountId::is_valid(account) || cloudfront_oai) {
        return Some("the account part must be a 12-digit account id");
    }
    let resource_ok = match *service {
        "iam" => *resource == "root" || has_name(resource, "user/") || has_name(resource, "role/"),
        "sts" => has_name(resource, "assumed-role/") || has_name(resource, "federated-user/"),
        _ => {
            return Some(
                "principal ARNs are IAM (arn:aws:iam::...) or STS (arn:aws:sts::...) ARNs",
            );
        }
    };
    (!resource_ok).then_some(
        "the resource part must be root, user/NAME or role/NAME (IAM), or assumed-role/ROLE/SESSION or federated-user/NAME (STS)",
    )
}

fn has_name(resource: &str, prefix: &str) -> bool {
    resource
        .strip_prefix(prefix)
        .is_some_and(|name| !name.is_empty() && !name.ends_with('/'))
}

/// IAM unique ids: a four-letter prefix (`AIDA` users, `AROA` roles) and uppercase letters
/// and digits, 16 to 128 characters in all (IAM API reference, `User.UserId`).
fn is_unique_id(id: &str) -> bool {
    (id.starts_with("AIDA") || id.starts_with("AROA"))
        && (16..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Federated principals are an identity provider: a SAML or OIDC provider ARN, or the host
/// name of a web identity provider (`cognito-identity.amazonaws.com`, `accounts.google.com`,
/// `graph.facebook.com`, `www.amazon.com`).
fn federated_principal_problem(id: &str) -> Option<&'static str> {
    if let Some(rest) = id.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let ok = match parts.as_slice() {
            [partition, "iam", "", account, resource] => {
                partition.parse::<Partition>().is_ok()
                    && AccountId::is_valid(account)
                    && (has_name(resource, "saml-provider/")
                        || has_name(resource, "oidc-provider/"))
            }
            _ => false,
        };
        return (!ok).then_some(
            "a federated principal ARN is arn:PARTITION:iam::ACCOUNT:saml-provider/NAME or arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST",
        );
    }
    (!is_dns_name(id)).then_some(
        "a federated principal is a SAML or OIDC provider ARN, or an identity provider's host name such as accounts.google.com",
    )
}

/// Letters, digits, hyphens and dots, with at least one dot and no empty label.
fn is_dns_name(text: &str) -> bool {
    text.contains('.')
        && text.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::super::report::testing::*;
    use super::*;

    fn trust(principal: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRole", "Condition": {{"StringEquals": {{"sts:ExternalId": "x"}}}}}}]}}"#
        )
    }

    #[test]
    fn valid_principals() {
        for p in [
            r#"{"AWS": "*"}"#,
            r#"{"AWS": "111122223333"}"#,
            r#"{"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/path/Name"]}"#,
            r#"{"AWS": "arn:aws-cn:iam::111122223333:user/bob"}"#,
            r#"{"AWS": "arn:aws:sts::111122223333:assumed-role/Role/session"}"#,
            r#"{"AWS": "arn:aws:sts::111122223333:federated-user/bob"}"#,
            r#"{"AWS": "AROA1234567890EXAMPLE"}"#,
            r#"{"Service": ["ec2.amazonaws.com", "states.us-east-1.amazonaws.com"]}"#,
            r#"{"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}"#,
            r#"{"Federated": "arn:aws:iam::111122223333:saml-provider/Okta"}"#,
            r#"{"Federated": "cognito-identity.amazonaws.com"}"#,
        ] {
            let found = findings(TRUST, &trust(p));
            assert!(found.is_empty(), "{p}: {found:?}");
        }
    }

    #[test]
    fn bare_star_in_trust_policy() {
        assert!(reports(
            TRUST,
            &trust(r#""*""#),
            FindingCode::RoleTrustPolicyUnsupportedWildcardInPrincipal
        ));
        assert!(!reports(
            TRUST,
            &trust(r#"{"AWS": "*"}"#),
            FindingCode::RoleTrustPolicyUnsupportedWildcardInPrincipal
        ));
    }

    #[test]
    fn partial_wildcards() {
        for p in [
            r#"{"AWS": "arn:aws:iam::*:root"}"#,
            r#"{"AWS": "arn:aws:iam::111122223333:role/app-*"}"#,
            r#"{"Service": "*"}"#,
            r#"{"Federated": "*"}"#,
            r#"{"AWS": ["111122223333", "arn:aws:iam::111122223333:user/deploy?"]}"#,
        ] {
            let found = with_code(
                TRUST,
                &trust(p),
                FindingCode::UnsupportedWildcardInPrincipal,
            );
            assert_eq!(found.len(), 1, "{p}");
            assert!(
                found[0]
                    .location
                    .path
                    .starts_with("$.Statement[0].Principal."),
                "{p}"
            );
        }
        assert!(!reports(
            TRUST,
            &trust(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#),
            FindingCode::UnsupportedWildcardInPrincipal
        ));
    }

    #[test]
    fn malformed_aws_principals() {
        for p in [
            "12345",
            "alice",
            "arn:aws:iam::111122223333:group/admins",
            "arn:aws:s3:::bucket",
            "arn:aws:iam:us-east-1:111122223333:root",
            "arn:aws:iam::11112222333:root",
            "arn:aws-moon:iam::111122223333:root",
            "arn:aws:iam::111122223333:role/",
            "arn:aws:iam",
            "AIDAshort",
        ] {
            let doc = trust(&format!(r#"{{"AWS": {p:?}}}"#));
            let found = with_code(TRUST, &doc, FindingCode::InvalidPrincipalFormat);
            assert_eq!(found.len(), 1, "{p}");
            assert_eq!(found[0].location.path, "$.Statement[0].Principal.AWS");
        }
        let doc = trust(r#"{"Federated": "arn:aws:iam::111122223333:role/x"}"#);
        assert!(reports(TRUST, &doc, FindingCode::InvalidPrincipalFormat));
        let doc = trust(r#"{"CanonicalUser": "abc"}"#);
        assert!(reports(TRUST, &doc, FindingCode::InvalidPrincipalFormat));
    }

    #[test]
    fn malformed_service_principals() {
        for p in [
            "ec2",
            "EC2.amazonaws.com",
            "ec2..amazonaws.com",
            "ec2 .amazonaws.com",
        ] {
            let doc = trust(&format!(r#"{{"Service": {p:?}}}"#));
            assert!(
                reports(TRUST, &doc, FindingCode::InvalidServicePrincipalFormat),
                "{p}"
            );
        }
        assert!(!reports(
            TRUST,
            &trust(r#"{"Service": "lambda.amazonaws.com"}"#),
            FindingCode::InvalidServicePrincipalFormat
        ));
    }

    #[test]
    fn empty_principals() {
        assert!(reports(
            TRUST,
            &trust("{}"),
            FindingCode::EmptyObjectPrincipal
        ));
        let found = with_code(
            TRUST,
            &trust(r#"{"AWS": []}"#),
            FindingCode::EmptyArrayPrincipal,
        );
        assert_eq!(found[0].location.path, "$.Statement[0].Principal.AWS");
        let ok = trust(r#"{"AWS": ["111122223333"]}"#);
        assert!(!reports(TRUST, &ok, FindingCode::EmptyArrayPrincipal));
        assert!(!reports(TRUST, &ok, FindingCode::EmptyObjectPrincipal));
    }
}
