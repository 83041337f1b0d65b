# The IAM role arn:aws:iam::999988887777:root assumes to reach this account (orchestrator@1.0.0).
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
  default = "orchestrator"

  validation {
    condition = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "RoleName: a role name is 1 to 64 letters, digits and +=,.@_-."
  }
}

variable "pass_role_path" {
  type = string
  description = "IAM path of the roles the orchestrator may launch tasks, functions and instances under, e.g. /orchestrator/."
  default = "/orchestrator/"

  validation {
    condition = can(regex("^/([\\x21-\\x2E\\x30-\\x7E]+/)*$", var.pass_role_path))
    error_message = "PassRolePath: an IAM path is \"/\" or \"/name/.../\": at most 512 printable ASCII characters starting and ending with a slash."
  }
}

variable "function_prefix" {
  type = string
  description = "Name prefix of the Lambda functions the orchestrator deploys and may change, e.g. orchestrator-."
  default = "orchestrator-"

  validation {
    condition = can(regex("^[A-Za-z0-9_-]{1,40}$", var.function_prefix))
    error_message = "FunctionPrefix: a name prefix is 1 to 40 letters, digits, hyphens and underscores."
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
        "Sid" = "EcsServices"
        "Effect" = "Allow"
        "Action" = [
          "ecs:Describe*",
          "ecs:List*",
          "ecs:CreateCluster",
          "ecs:CreateService",
          "ecs:UpdateService",
          "ecs:DeleteService",
          "ecs:RegisterTaskDefinition",
          "ecs:DeregisterTaskDefinition",
          "ecs:RunTask",
          "ecs:StopTask",
          "ecs:TagResource"
        ]
        "Resource" = [
          "*"
        ]
      },
      {
        "Sid" = "LambdaRead"
        "Effect" = "Allow"
        "Action" = [
          "lambda:Get*",
          "lambda:List*"
        ]
        "Resource" = [
          "*"
        ]
      },
      {
        "Sid" = "LambdaFunctions"
        "Effect" = "Allow"
        "Action" = [
          "lambda:CreateFunction",
          "lambda:UpdateFunctionCode",
          "lambda:UpdateFunctionConfiguration",
          "lambda:DeleteFunction",
          "lambda:PublishVersion",
          "lambda:CreateAlias",
          "lambda:UpdateAlias",
          "lambda:InvokeFunction",
          "lambda:TagResource"
        ]
        "Resource" = [
          "arn:aws:lambda:*:*:function:${var.function_prefix}*"
        ]
      },
      {
        "Sid" = "Ec2Read"
        "Effect" = "Allow"
        "Action" = [
          "ec2:Describe*"
        ]
        "Resource" = [
          "*"
        ]
      },
      {
        "Sid" = "Ec2LaunchResources"
        "Effect" = "Allow"
        "Action" = [
          "ec2:RunInstances"
        ]
        "Resource" = [
          "arn:aws:ec2:*::image/*",
          "arn:aws:ec2:*:*:image/*",
          "arn:aws:ec2:*:*:subnet/*",
          "arn:aws:ec2:*:*:security-group/*",
          "arn:aws:ec2:*:*:network-interface/*",
          "arn:aws:ec2:*:*:volume/*",
          "arn:aws:ec2:*:*:key-pair/*",
          "arn:aws:ec2:*:*:launch-template/*"
        ]
      },
      {
        "Sid" = "Ec2LaunchTagged"
        "Effect" = "Allow"
        "Action" = [
          "ec2:RunInstances"
        ]
        "Resource" = [
          "arn:aws:ec2:*:*:instance/*"
        ]
        "Condition" = {
          "StringEquals" = {
            "aws:RequestTag/managed-by" = [
              "orchestrator"
            ]
          }
        }
      },
      {
        "Sid" = "Ec2TagOnLaunch"
        "Effect" = "Allow"
        "Action" = [
          "ec2:CreateTags"
        ]
        "Resource" = [
          "arn:aws:ec2:*:*:instance/*",
          "arn:aws:ec2:*:*:volume/*"
        ]
        "Condition" = {
          "StringEquals" = {
            "ec2:CreateAction" = [
              "RunInstances"
            ]
          }
        }
      },
      {
        "Sid" = "Ec2OperateTagged"
        "Effect" = "Allow"
        "Action" = [
          "ec2:StartInstances",
          "ec2:StopInstances",
          "ec2:TerminateInstances",
          "ec2:ModifyInstanceAttribute"
        ]
        "Resource" = [
          "arn:aws:ec2:*:*:instance/*"
        ]
        "Condition" = {
          "StringEquals" = {
            "aws:ResourceTag/managed-by" = [
              "orchestrator"
            ]
          }
        }
      },
      {
        "Sid" = "PassWorkloadRoles"
        "Effect" = "Allow"
        "Action" = [
          "iam:PassRole"
        ]
        "Resource" = [
          "arn:aws:iam::*:role${var.pass_role_path}*"
        ]
        "Condition" = {
          "StringEquals" = {
            "iam:PassedToService" = [
              "ecs-tasks.amazonaws.com",
              "lambda.amazonaws.com",
              "ec2.amazonaws.com"
            ]
          }
        }
      },
      {
        "Sid" = "S3Artefacts"
        "Effect" = "Allow"
        "Action" = [
          "s3:ListAllMyBuckets",
          "s3:ListBucket",
          "s3:GetBucketLocation",
          "s3:CreateBucket",
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject"
        ]
        "Resource" = [
          "*"
        ]
      },
      {
        "Sid" = "DynamoDbData"
        "Effect" = "Allow"
        "Action" = [
          "dynamodb:ListTables",
          "dynamodb:DescribeTable",
          "dynamodb:CreateTable",
          "dynamodb:UpdateTable",
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:Query",
          "dynamodb:Scan",
          "dynamodb:BatchGetItem",
          "dynamodb:BatchWriteItem"
        ]
        "Resource" = [
          "*"
        ]
      },
      {
        "Sid" = "Metrics"
        "Effect" = "Allow"
        "Action" = [
          "cloudwatch:GetMetricData",
          "cloudwatch:GetMetricStatistics",
          "cloudwatch:ListMetrics",
          "cloudwatch:DescribeAlarms",
          "cloudwatch:PutMetricAlarm",
          "cloudwatch:DeleteAlarms"
        ]
        "Resource" = [
          "*"
        ]
      },
      {
        "Sid" = "Logs"
        "Effect" = "Allow"
        "Action" = [
          "logs:DescribeLogGroups",
          "logs:DescribeLogStreams",
          "logs:GetLogEvents",
          "logs:FilterLogEvents",
          "logs:CreateLogGroup",
          "logs:PutRetentionPolicy"
        ]
        "Resource" = [
          "*"
        ]
      }
    ]
  }
}

resource "aws_iam_role" "connector" {
  name = var.role_name
  description = "Lets arn:aws:iam::999988887777:root assume this role with the External ID it was given, for orchestrator@1.0.0: Build, deploy and operate application workloads; no IAM user management, billing or Organizations, and no way to escalate its own privileges."
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
