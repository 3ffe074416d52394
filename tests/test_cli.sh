#!/bin/sh
# test_cli.sh: weft_main's JSON Lines and JUnit outputs read by real parsers (python3's json and xml.etree).
# usage: test_cli.sh PATH/TO/test_cli; exit 77 (skipped) without python3.
set -u
bin=$1
command -v python3 >/dev/null 2>&1 || { echo "no python3: skipped"; exit 77; }
fail=0

"$bin" main --report json --no-time --max-executions 50 > json.out
test $? -eq 1 || { echo "json: exit status $? (want 1)"; fail=1; }
python3 - json.out <<'PY' || fail=1
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
assert len(objs) == 5, len(objs)
for o in objs:
    assert o["schema"] == "weft-report/2", o
    assert o["status"] in ("ok", "bug", "incomplete", "error"), o
    assert "seconds" not in o["stats"], o
st = {o["test"]: o["status"] for o in objs}
assert st == {"cli_clean": "ok", "cli_abba": "bug", "cli_many": "incomplete", "cli_assertf": "bug",
              "cli_long": "bug"}, st
long = [o for o in objs if o["test"] == "cli_long"][0]
assert len(long["schedule"]) == 300 and long["schedule_omitted"] == 200, long["schedule_omitted"]
print("json: ok")
PY

"$bin" main --report junit --max-executions 50 > junit.out
test $? -eq 1 || { echo "junit: exit status $? (want 1)"; fail=1; }
python3 - junit.out <<'PY' || fail=1
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites"
suites = root.findall("testsuite")
assert len(suites) == 1
s = suites[0]
cases = s.findall("testcase")
assert int(s.get("tests")) == len(cases) == 5
fails = [c for c in cases if c.find("failure") is not None]
skips = [c for c in cases if c.find("skipped") is not None]
assert int(s.get("failures")) == len(fails) == 3, s.attrib
assert int(s.get("skipped")) == len(skips) == 1, s.attrib
assert int(s.get("errors")) == 0
a = [c for c in cases if c.get("name") == "cli_assertf"][0].find("failure")
assert a.get("type") == "ASSERT"
assert "x is 4, the <choice> & \"quotes\" ]]> too" in a.text, a.text
assert float(s.get("time")) >= 0
print("junit: ok")
PY
exit $fail
