#!/bin/sh
# Creates the IAM role doit-cloudflow-example by hand. Review each file, then run the commands in order.
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

cat > doit-cloudflow-example-Permissions.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ExtraAllowedActions",
      "Effect": "Allow",
      "Action": [
        "S3:GetObject"
      ],
      "Resource": [
        "*"
      ]
    }
  ]
}
JSON

aws iam create-role --role-name doit-cloudflow-example --description 'Lets arn:aws:iam::999988887777:root assume this role with the External ID it was given, for doit:cloudflow-example@1.0.0: AWS managed policies plus extra allowed actions.' --max-session-duration 3600 --assume-role-policy-document file://trust-policy.json
aws iam put-role-policy --role-name doit-cloudflow-example --policy-name Permissions --policy-document file://doit-cloudflow-example-Permissions.json
aws iam attach-role-policy --role-name doit-cloudflow-example --policy-arn arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess
aws iam get-role --role-name doit-cloudflow-example --query Role.Arn --output text
