#!/bin/sh
# Creates the IAM role aws-s3-read by hand. Review each file, then run the commands in order.
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

aws iam create-role --role-name aws-s3-read --description 'Lets arn:aws:iam::999988887777:root assume this role with the External ID it was given, for aws:s3-read@1.0.0: Get and list objects in the buckets you configure.' --max-session-duration 3600 --assume-role-policy-document file://trust-policy.json
aws iam put-role-policy --role-name aws-s3-read --policy-name Permissions --policy-document file://aws-s3-read-Permissions.json
aws iam get-role --role-name aws-s3-read --query Role.Arn --output text
