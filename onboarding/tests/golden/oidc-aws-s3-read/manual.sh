#!/bin/sh
# Creates the IAM role aws-s3-read by hand. Review each file, then run the commands in order.
set -eu

cat > trust-policy.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "WebIdentityAssumeRole",
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::111122223333:oidc-provider/id.auto-nomos.com"
      },
      "Action": [
        "sts:AssumeRoleWithWebIdentity"
      ],
      "Condition": {
        "StringEquals": {
          "id.auto-nomos.com:aud": "sts.amazonaws.com",
          "id.auto-nomos.com:sub": "org/acme"
        }
      }
    }
  ]
}
JSON

cat > aws-s3-read-Permissions.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListBuckets",
      "Effect": "Allow",
      "Action": [
        "s3:ListBucket"
      ],
      "Resource": [
        "arn:aws:s3:::example-bucket"
      ]
    },
    {
      "Sid": "GetObjects",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject"
      ],
      "Resource": [
        "arn:aws:s3:::example-bucket/*"
      ]
    }
  ]
}
JSON

aws iam get-open-id-connect-provider --open-id-connect-provider-arn arn:aws:iam::111122223333:oidc-provider/id.auto-nomos.com >/dev/null 2>&1 || aws iam create-open-id-connect-provider --url https://id.auto-nomos.com --client-id-list sts.amazonaws.com
aws iam create-role --role-name aws-s3-read --description 'Lets a web identity of https://id.auto-nomos.com (subject org/acme, audience sts.amazonaws.com) assume this role, for aws:s3-read@1.0.0: Get and list objects in the buckets you configure.' --max-session-duration 3600 --assume-role-policy-document file://trust-policy.json
aws iam put-role-policy --role-name aws-s3-read --policy-name Permissions --policy-document file://aws-s3-read-Permissions.json
aws iam get-role --role-name aws-s3-read --query Role.Arn --output text
