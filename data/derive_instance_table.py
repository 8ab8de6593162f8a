#!/usr/bin/python3
"""Derive data/instance-types.csv from the two upstream tables beside this script.

Run with the system Python (standard library only):

    /usr/bin/python3 data/derive_instance_table.py          # writes data/instance-types.csv
    /usr/bin/python3 data/derive_instance_table.py --check  # exits 1 if the CSV is stale

Inputs (see data/README.md for provenance):
  instance-info.jsonl         ENIs on the default network card and IPv4 per ENI, the
                              numbers the VPC CNI uses. It decides which types exist.
  ec2-instance-types.json.gz  DescribeInstanceTypes records (moto 5.2.1): vCPUs,
                              network cards, bandwidth, hypervisor, bare metal.

Why a derived table: the C++ side then reads one small CSV with plain parsing,
with no JSON or gzip dependency, and a reviewer can diff it line by line.

Types in instance-info.jsonl that moto does not know keep empty moto columns: the
simulator treats those values as unknown rather than guessing them.
"""

import gzip
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INSTANCE_INFO = os.path.join(HERE, "instance-info.jsonl")
EC2_TYPES = os.path.join(HERE, "ec2-instance-types.json.gz")
OUTPUT = os.path.join(HERE, "instance-types.csv")

COLUMNS = [
    "instance_type",
    "vcpus",
    "max_enis",
    "ipv4_per_eni",
    "network_cards",
    "baseline_bandwidth_gbps",
    "peak_bandwidth_gbps",
    "hypervisor",
    "bare_metal",
]


def fail(message):
    sys.stderr.write("derive_instance_table: " + message + "\n")
    sys.exit(2)


def format_number(value):
    # Summing per-card Gbps in binary floating point can leave noise such as
    # 0.30000000000000004; six significant digits cover every published figure.
    text = format(value, ".6g")
    if "e" in text:
        fail("bandwidth %r does not fit plain notation" % value)
    return text


def load_instance_info():
    types = {}
    with open(INSTANCE_INFO, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if not line:
                continue
            record = json.loads(line)
            name = record["instanceType"]
            enis = record["defaultMaxENIs"]
            ips = record["ipv4AddressesPerInterface"]
            if not isinstance(enis, int) or not isinstance(ips, int) or enis < 1 or ips < 1:
                fail("instance-info.jsonl line %d: bad limits for %s" % (number, name))
            if name in types:
                fail("instance-info.jsonl line %d: duplicate %s" % (number, name))
            types[name] = (enis, ips)
    return types


def load_ec2_types():
    with gzip.open(EC2_TYPES, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def moto_columns(name, record, enis, ips):
    network = record["NetworkInfo"]
    cards = network.get("NetworkCards", [])
    default_index = network.get("DefaultNetworkCardIndex", 0)
    default_card = [c for c in cards if c.get("NetworkCardIndex") == default_index]
    # The two sources must agree on what the VPC CNI sees, or one of them is stale.
    if default_card and default_card[0].get("MaximumNetworkInterfaces") != enis:
        fail("%s: moto default card has %s ENIs, instance-info.jsonl %d"
             % (name, default_card[0].get("MaximumNetworkInterfaces"), enis))
    if network.get("Ipv4AddressesPerInterface") != ips:
        fail("%s: moto has %s IPv4 per ENI, instance-info.jsonl %d"
             % (name, network.get("Ipv4AddressesPerInterface"), ips))

    # Instance bandwidth is the sum over its network cards: p5.48xlarge has 32
    # cards of 100 Gbps and is sold as 3,200 Gbps.
    baseline = [c.get("BaselineBandwidthInGbps") for c in cards]
    peak = [c.get("PeakBandwidthInGbps") for c in cards]
    baseline_text = format_number(sum(baseline)) if baseline and None not in baseline else ""
    peak_text = format_number(sum(peak)) if peak and None not in peak else ""

    hypervisor = record.get("Hypervisor") or ""
    if hypervisor not in ("", "nitro", "xen"):
        fail("%s: unexpected hypervisor %r" % (name, hypervisor))
    return {
        "vcpus": str(record["VCpuInfo"]["DefaultVCpus"]),
        "network_cards": str(network["MaximumNetworkCards"]),
        "baseline_bandwidth_gbps": baseline_text,
        "peak_bandwidth_gbps": peak_text,
        "hypervisor": hypervisor,
        "bare_metal": "true" if record["BareMetal"] else "false",
    }


def render():
    info = load_instance_info()
    ec2 = load_ec2_types()
    unknown = sorted(set(ec2) - set(info))
    if unknown:
        fail("moto types missing from instance-info.jsonl: " + ", ".join(unknown))

    out = io.StringIO()
    out.write(",".join(COLUMNS) + "\n")
    for name in sorted(info):
        enis, ips = info[name]
        if "," in name:
            fail("instance type name with a comma: %r" % name)
        row = {column: "" for column in COLUMNS}
        row.update({"instance_type": name, "max_enis": str(enis), "ipv4_per_eni": str(ips)})
        if name in ec2:
            row.update(moto_columns(name, ec2[name], enis, ips))
        out.write(",".join(row[column] for column in COLUMNS) + "\n")
    return out.getvalue(), len(info), len(set(info) & set(ec2))


def main(argv):
    text, total, with_moto = render()
    if argv[1:] == ["--check"]:
        try:
            with open(OUTPUT, encoding="utf-8") as handle:
                current = handle.read()
        except FileNotFoundError:
            current = None
        if current != text:
            sys.stderr.write("instance-types.csv is stale; run data/derive_instance_table.py\n")
            return 1
        return 0
    if argv[1:]:
        fail("usage: derive_instance_table.py [--check]")
    # Write beside the target and rename, so a failure never leaves half a table.
    temporary = OUTPUT + ".tmp"
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(temporary, OUTPUT)
    sys.stdout.write("wrote %s: %d types, %d with EC2 details from moto\n"
                     % (os.path.relpath(OUTPUT), total, with_moto))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
