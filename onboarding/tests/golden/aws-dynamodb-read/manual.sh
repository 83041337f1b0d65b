#!/bin/sh
# Creates the IAM role aws-dynamodb-read by hand. Review each file, then run the commands in order.
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

cat > aws-dynamodb-read-Permissions.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadItems",
      "Effect": "Allow",
      "Action": [
        "dynamodb:Query",
        "dynamodb:GetItem"
      ],
      "Resource": [
        "arn:aws:dynamodb:*:*:table/ExampleTable"
      ]
    }
  ]
}
JSON

aws iam create-role --role-name aws-dynamodb-read --description 'Lets arn:aws:iam::999988887777:root assume this role with the External ID it was given, for aws:dynamodb-read@1.0.0: Query and get items from the tables you configure.' --max-session-duration 3600 --assume-role-policy-document file://trust-policy.json
aws iam put-role-policy --role-name aws-dynamodb-read --policy-name Permissions --policy-document file://aws-dynamodb-read-Permissions.json
aws iam get-role --role-name aws-dynamodb-read --query Role.Arn --output text
