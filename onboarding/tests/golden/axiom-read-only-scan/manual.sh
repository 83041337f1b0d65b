#!/bin/sh
# Creates the IAM role axiom-read-only-scan by hand. Review each file, then run the commands in order.
set -eu

cat > trust-policy.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "VendorAssumeRole",
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::999988887777:root"
      },
      "Action": [
        "sts:AssumeRole"
      ],
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4"
        }
      }
    }
  ]
}
JSON

cat > axiom-read-only-scan-Permissions.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Ec2Inventory",
      "Effect": "Allow",
      "Action": [
        "ec2:Describe*"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "S3Posture",
      "Effect": "Allow",
      "Action": [
        "s3:GetBucket*",
        "s3:ListBucket",
        "s3:ListAllMyBuckets"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "RdsInventory",
      "Effect": "Allow",
      "Action": [
        "rds:Describe*",
        "rds:ListTagsForResource"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "IamAudit",
      "Effect": "Allow",
      "Action": [
        "iam:Get*",
        "iam:List*",
        "iam:Simulate*"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "Utilization",
      "Effect": "Allow",
      "Action": [
        "cloudwatch:Get*",
        "cloudwatch:List*",
        "cloudwatch:Describe*"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "LogPosture",
      "Effect": "Allow",
      "Action": [
        "logs:Describe*",
        "logs:Get*",
        "logs:List*"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "CostSignals",
      "Effect": "Allow",
      "Action": [
        "ce:Get*",
        "ce:List*"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "ConnectionTest",
      "Effect": "Allow",
      "Action": [
        "sts:GetCallerIdentity"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "TagInventory",
      "Effect": "Allow",
      "Action": [
        "tag:GetResources"
      ],
      "Resource": [
        "*"
      ]
    }
  ]
}
JSON

aws iam create-role --role-name axiom-read-only-scan --description 'Lets arn:aws:iam::999988887777:root assume this role with the External ID it was given, for axiom:read-only-scan@1.0.0: Read-only inventory, posture and cost scan: no write, no delete, no modify.' --max-session-duration 3600 --assume-role-policy-document file://trust-policy.json
aws iam put-role-policy --role-name axiom-read-only-scan --policy-name Permissions --policy-document file://axiom-read-only-scan-Permissions.json
aws iam get-role --role-name axiom-read-only-scan --query Role.Arn --output text
