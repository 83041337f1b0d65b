//! `PermissionSetErrorCode`: a stable name for each kind of
//! [`PermissionSetError`](crate::PermissionSetError), on the one severity scale.

iam_policy::finding_codes! {
    /// What a [`PermissionSetError`](crate::PermissionSetError) is about
    /// ([`PermissionSetError::code`](crate::PermissionSetError::code)). Every error refuses
    /// the definition or the rendering, so every code is an `Error`.
    ///
    /// ```
    /// use permission_sets::{PermissionSetErrorCode, Severity};
    /// let code: PermissionSetErrorCode = "CLAIM_DISPROVED".parse()?;
    /// assert_eq!(code, PermissionSetErrorCode::ClaimDisproved);
    /// assert!(PermissionSetErrorCode::ALL.iter().all(|c| c.severity() == Severity::Error));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[non_exhaustive]
    pub enum PermissionSetErrorCode: "A stable code of a permission set error." {
        /// A value broke its rule (a name, a parameter value, a grant id, ...).
        InvalidValue = "INVALID_VALUE", Error;
        /// An action names a service the catalog does not know.
        UnknownService = "UNKNOWN_SERVICE", Error;
        /// An action its service does not have.
        UnknownAction = "UNKNOWN_ACTION", Error;
        /// A wildcard that matches no action of its service.
        MatchesNothing = "MATCHES_NOTHING", Error;
        /// Something does not fit an IAM or STS quota.
        TooLarge = "TOO_LARGE", Error;
        /// A rendered document has validation errors.
        InvalidPolicy = "INVALID_POLICY", Error;
        /// An `iam-policy` value (an ARN, an action or resource pattern) was rejected.
        InvalidPolicyValue = "INVALID_POLICY_VALUE", Error;
        /// A grant's declared area is not the catalog's area of an action it grants.
        AreaMismatch = "AREA_MISMATCH", Error;
        /// A grant reaches the excluded area without opting in.
        ExcludedAreaNotAllowed = "EXCLUDED_AREA_NOT_ALLOWED", Error;
        /// A guarantee the set claims is disproved by the audit.
        ClaimDisproved = "CLAIM_DISPROVED", Error;
        /// A guarantee the set claims cannot be checked by the audit.
        ClaimUnverifiable = "CLAIM_UNVERIFIABLE", Error;
    }
}
