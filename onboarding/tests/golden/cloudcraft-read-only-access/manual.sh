#!/bin/sh
# Creates the IAM role cloudcraft-read-only-access by hand. Review each file, then run the commands in order.
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

aws iam create-role --role-name cloudcraft-read-only-access --description "Lets arn:aws:iam::999988887777:root assume this role with the External ID it was given, for cloudcraft:read-only-access@1.0.0: Visualize the live environment: read-only access to every AWS service, through AWS's own managed policy." --max-session-duration 3600 --assume-role-policy-document file://trust-policy.json
aws iam attach-role-policy --role-name cloudcraft-read-only-access --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess
aws iam get-role --role-name cloudcraft-read-only-access --query Role.Arn --output text
