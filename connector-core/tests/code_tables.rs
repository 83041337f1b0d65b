//! The stable code tables (`ProviderErrorKind`, `DiagnosisCode`, `VerificationCode`): every
//! entry has a unique code and a remediation, and the conversions between them keep the
//! remediation and the severity a refusal needs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::collections::BTreeSet;

use connector_core::{DiagnosisCode, ProviderErrorKind, Severity, VerificationCode};

#[test]
fn every_provider_error_kind_has_a_unique_code_and_a_remediation() {
    let mut codes = BTreeSet::new();
    for kind in ProviderErrorKind::ALL {
        assert!(codes.insert(kind.as_str()), "{kind} twice");
        assert!(!kind.remediation().trim().is_empty(), "{kind}");
        assert!(kind.remediation().ends_with('.'), "{kind}: one sentence");
    }
}

#[test]
fn every_diagnosis_code_has_a_unique_code_and_a_remediation() {
    let mut codes = BTreeSet::new();
    for code in DiagnosisCode::ALL {
        assert!(codes.insert(code.as_str()), "{code} twice");
        assert!(!code.remediation().trim().is_empty(), "{code}");
    }
}

#[test]
fn every_verification_code_has_a_unique_code_and_a_remediation() {
    let mut codes = BTreeSet::new();
    for code in VerificationCode::ALL {
        assert!(codes.insert(code.as_str()), "{code} twice");
        assert!(!code.remediation().trim().is_empty(), "{code}");
        // A finding becomes a diagnosis of the same weight.
        assert_eq!(
            DiagnosisCode::from(*code).severity(),
            code.severity(),
            "{code}"
        );
    }
}

#[test]
fn a_provider_error_kind_becomes_a_diagnosis_with_its_remediation() {
    for kind in ProviderErrorKind::ALL {
        let code = DiagnosisCode::from(*kind);
        assert_eq!(code.remediation(), kind.remediation(), "{kind}");
        // A refusal by the customer disconnects: its diagnosis says something must change.
        if kind.is_customer_refusal() {
            assert_eq!(code.severity(), Severity::Error, "{kind}");
        }
    }
}

#[test]
fn a_missing_oidc_provider_has_one_code_in_every_table() {
    assert_eq!(
        ProviderErrorKind::OidcProviderMissing.as_str(),
        "OIDC_PROVIDER_MISSING"
    );
    assert_eq!(
        DiagnosisCode::from(ProviderErrorKind::OidcProviderMissing),
        DiagnosisCode::OidcProviderMissing
    );
    assert_eq!(
        DiagnosisCode::from(VerificationCode::OidcProviderMissing),
        DiagnosisCode::OidcProviderMissing
    );
    assert_eq!(
        DiagnosisCode::OidcProviderMissing.as_str(),
        "OIDC_PROVIDER_MISSING"
    );
    assert_eq!(
        VerificationCode::OidcProviderMissing.as_str(),
        "OIDC_PROVIDER_MISSING"
    );
    assert_eq!(
        "OIDC_PROVIDER_MISSING".parse::<DiagnosisCode>().unwrap(),
        DiagnosisCode::OidcProviderMissing
    );
    assert_eq!(
        VerificationCode::OidcProviderMissing.remediation(),
        ProviderErrorKind::OidcProviderMissing.remediation()
    );
}
