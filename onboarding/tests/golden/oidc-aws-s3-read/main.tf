# The IAM role a web identity of https://id.auto-nomos.com (subject org/acme, audience sts.amazonaws.com) assumes to reach this account (aws:s3-read@1.0.0).
# Why each permission is there: see the permission set's explanation.
# Remove the access with `terraform destroy`.

terraform {
  required_providers {
    aws = {
      "source" = "hashicorp/aws"
      "version" = ">= 5.81.0"
    }
  }
}

variable "role_name" {
  type = string
  description = "The name of the IAM role to create."
  default = "aws-s3-read"

  validation {
    condition = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "RoleName: a role name is 1 to 64 letters, digits and +=,.@_-."
  }
}

variable "existing_oidc_provider_arn" {
  type = string
  description = "Leave empty to create the IAM OIDC identity provider for https://id.auto-nomos.com. If this account already has one for it (another integration), give its ARN to reuse it."
  default = ""

  validation {
    condition = can(regex("^(arn:aws:iam::[0-9]{12}:oidc-provider/id\\.auto-nomos\\.com)?$", var.existing_oidc_provider_arn))
    error_message = "ExistingOidcProviderArn: empty, or the ARN of this account's OIDC provider for https://id.auto-nomos.com (arn:aws:iam::ACCOUNT:oidc-provider/id.auto-nomos.com)."
  }
}

variable "buckets" {
  type = list(string)
  description = "The buckets agents may read."
  default = [
    "example-bucket"
  ]

  validation {
    condition = alltrue([for v in var.buckets : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", v))])
    error_message = "Buckets: a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

resource "aws_iam_openid_connect_provider" "connector" {
  count = var.existing_oidc_provider_arn == "" ? 1 : 0
  url = "https://id.auto-nomos.com"
  client_id_list = [
    "sts.amazonaws.com"
  ]
}

locals {
  oidc_provider_arn = var.existing_oidc_provider_arn != "" ? var.existing_oidc_provider_arn : aws_iam_openid_connect_provider.connector[0].arn
  trust_policy = {
    "Version" = "2012-10-17"
    "Statement" = [
      {
        "Sid" = "WebIdentityAssumeRole"
        "Effect" = "Allow"
        "Principal" = {
          "Federated" = local.oidc_provider_arn
        }
        "Action" = [
          "sts:AssumeRoleWithWebIdentity"
        ]
        "Condition" = {
          "StringEquals" = {
            "id.auto-nomos.com:aud" = "sts.amazonaws.com"
            "id.auto-nomos.com:sub" = "org/acme"
          }
        }
      }
    ]
  }
  permissions_policy = {
    "Version" = "2012-10-17"
    "Statement" = [
      {
        "Sid" = "ListBuckets"
        "Effect" = "Allow"
        "Action" = [
          "s3:ListBucket"
        ]
        "Resource" = formatlist("arn:aws:s3:::%s", var.buckets)
      },
      {
        "Sid" = "GetObjects"
        "Effect" = "Allow"
        "Action" = [
          "s3:GetObject"
        ]
        "Resource" = formatlist("arn:aws:s3:::%s/*", var.buckets)
      }
    ]
  }
}

resource "aws_iam_role" "connector" {
  name = var.role_name
  description = "Lets a web identity of https://id.auto-nomos.com (subject org/acme, audience sts.amazonaws.com) assume this role, for aws:s3-read@1.0.0: Get and list objects in the buckets you configure."
  max_session_duration = 3600
  assume_role_policy = jsonencode(local.trust_policy)
}

resource "aws_iam_role_policy" "permissions" {
  name = "Permissions"
  role = aws_iam_role.connector.id
  policy = jsonencode(local.permissions_policy)
}

output "role_arn" {
  description = "Give this role ARN to the vendor to finish connecting."
  value = aws_iam_role.connector.arn
}

output "oidc_provider_arn" {
  description = "The IAM OIDC identity provider the role trusts (created here, or the existing one)."
  value = local.oidc_provider_arn
}
