#!/bin/sh
# Prints the directory of a local Terraform provider mirror holding hashicorp/aws (the layout
# `terraform init -plugin-dir` and `filesystem_mirror` read), or nothing. TF_PLUGIN_DIR wins when set.
if [ -n "${TF_PLUGIN_DIR:-}" ]; then echo "$TF_PLUGIN_DIR"; exit 0; fi
# Common install roots first (fast), then the whole root file system.
for root in /opt /usr/local /usr/share /root /home /var /srv /; do
  [ -d "$root" ] || continue
  hit=$(find "$root" -xdev -type f -name 'terraform-provider-aws_*' -path '*/registry.terraform.io/hashicorp/aws/*' 2>/dev/null | head -n 1)
  if [ -n "$hit" ]; then
    # <mirror>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/<binary>
    echo "${hit%/registry.terraform.io/hashicorp/aws/*}"
    exit 0
  fi
done
