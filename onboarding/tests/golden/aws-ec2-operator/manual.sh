#!/bin/sh
# Creates the IAM role aws-ec2-operator by hand. Review each file, then run the commands in order.
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

cat > aws-ec2-operator-Permissions.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DescribeInstances",
      "Effect": "Allow",
      "Action": [
        "ec2:DescribeInstances"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "StartStopInstances",
      "Effect": "Allow",
      "Action": [
        "ec2:StartInstances",
        "ec2:StopInstances"
      ],
      "Resource": [
        "*"
      ]
    }
  ]
}
JSON

aws iam create-role --role-name aws-ec2-operator --description 'Lets arn:aws:iam::999988887777:root assume this role with the External ID it was given, for aws:ec2-operator@1.0.0: See instances; start and stop them after a second approval.' --max-session-duration 3600 --assume-role-policy-document file://trust-policy.json
aws iam put-role-policy --role-name aws-ec2-operator --policy-name Permissions --policy-document file://aws-ec2-operator-Permissions.json
aws iam get-role --role-name aws-ec2-operator --query Role.Arn --output text
