# The IAM role arn:aws:iam::999988887777:root assumes to reach this account (aws:s3-read@1.0.0).
# Why each permission is there: see the permission set's explanation.
# Remove the access with `terraform destroy`.

terraform {
  required_providers {
    aws = {
      "source" = "hashicorp/aws"
      "version" = ">= 5.0"
    }
  }
}

variable "external_id" {
  type = string
  description = "The External ID the vendor gave you. The role can only be assumed with it; keep it as given."
  default = "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4"

  validation {
    condition = length(var.external_id) >= 2 && length(var.external_id) <= 1224 && can(regex("^[\\w+=,.@:/-]+$", var.external_id))
    error_message = "ExternalId: an External ID is 2 to 1,224 letters, digits and _+=,.@:/-."
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

locals {
  trust_policy = {
    "Version" = "2012-10-17"
    "Statement" = [
      {
        "Sid" = "VendorAssumeRole"
        "Effect" = "Allow"
        "Principal" = {
          "AWS" = "arn:aws:iam::999988887777:root"
        }
        "Action" = [
          "sts:AssumeRole"
        ]
        "Condition" = {
          "StringEquals" = {
            "sts:ExternalId" = var.external_id
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
  description = "Lets arn:aws:iam::999988887777:root assume this role with the External ID it was given, for aws:s3-read@1.0.0: Get and list objects in the buckets you configure."
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

output "external_id" {
  description = "The External ID the role requires."
  value = var.external_id
}
