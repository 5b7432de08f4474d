#!/usr/bin/env bash
# Start Casefiles on loopback with fictional demo data, then run Debian's sqlmap and wapiti against it,
# anonymous and signed in. Prints a summary; exits non-zero when a scanner reports a finding.
#   bash bench/security_scan.sh            (needs: apt-get install sqlmap wapiti)
#   SCAN_MINUTES=2 bash bench/security_scan.sh   (wapiti time budget per pass, default 3)
set -uo pipefail
cd "$(dirname "$0")/.."
for tool in sqlmap wapiti curl; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install sqlmap wapiti curl)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/casefiles-scan.XXXXXX)
port=${SCAN_PORT:-5077}
minutes=${SCAN_MINUTES:-3}
base="http://127.0.0.1:$port"
export CASEFILES_INSTANCE="$work/instance" DATABASE_URL="sqlite:///$work/instance/casefiles.db"
export SECRET_KEY=$(python -c "import secrets; print(secrets.token_hex(32))") FLASK_APP=wsgi
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; echo "Reports kept in $work"; }
trap cleanup EXIT

echo "== Seeding fictional data in $work"
python - <<'PY'
from casefiles import create_app
from casefiles.extensions import db
app = create_app()
with app.app_context():
    db.create_all()
PY
flask demo load >/dev/null
admin_password=$(python -c "import secrets; print('scan-' + secrets.token_urlsafe(18))")
printf '%s\n' "$admin_password" | flask users create scanner@example.org --role admin --password-stdin >/dev/null

echo "== Starting the app on $base"
flask run --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done

echo "== Signing in"
jar="$work/cookies.txt"
csrf=$(curl -fs -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -o /dev/null -c "$jar" -b "$jar" -H "Referer: $base/login" -A "casefiles-scan" \
  --data-urlencode "csrf_token=$csrf" --data-urlencode "email=scanner@example.org" \
  --data-urlencode "password=$admin_password" "$base/login"
session=$(awk '$6 == "session" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not sign in" >&2; exit 2; }
curl -fs -o /dev/null -A "casefiles-scan" -b "session=$session" "$base/staff/cases" || { echo "session refused" >&2; exit 2; }

findings=0
run_sqlmap() {  # name url params [cookie]
  local name=$1 url=$2 params=$3 cookie=${4:-}
  local args=(-u "$url" -p "$params" --batch --level 1 --risk 1 --threads 4 --time-sec 2 --disable-coloring
              --flush-session --user-agent casefiles-scan --output-dir "$work/sqlmap-$name")
  [ -n "$cookie" ] && args+=(--cookie "session=$cookie")
  HOME="$work" sqlmap "${args[@]}" >"$work/sqlmap-$name.log" 2>&1
  if grep -qiE "is vulnerable|appears to be '|identified the following injection" "$work/sqlmap-$name.log"; then
    echo "   sqlmap $name: INJECTION FOUND (see $work/sqlmap-$name.log)"; findings=$((findings + 1))
  elif grep -q "do not appear to be injectable" "$work/sqlmap-$name.log"; then
    echo "   sqlmap $name: nothing injectable"
  else
    echo "   sqlmap $name: inconclusive (see $work/sqlmap-$name.log)"; findings=$((findings + 1))
  fi
}

echo "== sqlmap, anonymous: public search and filters, API"
run_sqlmap public "$base/cases?q=campus&status=active&outcome=ongoing&category=student&page=1" "q,status,outcome,category,page"
run_sqlmap api "$base/api/v1/cases?q=campus&page=1" "q,page"
echo "== sqlmap, signed in: staff search and filters, audit filters"
run_sqlmap staff "$base/staff/cases?q=campus&status=active&outcome=ongoing&tag=campus&region=Qu&sort=updated&page=1" \
  "q,status,outcome,tag,region,sort,page" "$session"
run_sqlmap audit "$base/staff/audit/?actor=1&case=1&action=case.update&since=2020-01-01&until=2030-01-01" \
  "actor,case,action,since,until" "$session"

run_wapiti() {  # name [cookie]
  local name=$1 cookie=${2:-}
  # No -x exclusions: Debian's wapiti 3.0.4 crashes on them under Python 3.11. The signed-in pass is scoped to
  # /staff/, so the sign-out form (which would end the session) is out of its scope.
  local start="$base/"
  [ -n "$cookie" ] && start="$base/staff/"
  local args=(-u "$start" --scope folder -m "sql,blindsql,xss,permanentxss,exec,file,crlf,redirect,csrf,htaccess,methods"
              --max-scan-time $((minutes * 60)) --max-attack-time 30 --max-links-per-page 40 --flush-session
              -f json -o "$work/wapiti-$name.json" -A casefiles-scan)
  [ -n "$cookie" ] && args+=(-H "Cookie: session=$cookie")
  HOME="$work" wapiti "${args[@]}" >"$work/wapiti-$name.log" 2>&1
  python - "$work/wapiti-$name.json" "$name" <<'PY'
import json, sys
path, name = sys.argv[1], sys.argv[2]
try:
    report = json.load(open(path))
except (OSError, ValueError):
    print(f"   wapiti {name}: no report (see the log)"); sys.exit(1)
found = {k: len(v) for k, v in report.get("vulnerabilities", {}).items() if v}
anomalies = {k: len(v) for k, v in report.get("anomalies", {}).items() if v}
print(f"   wapiti {name}: vulnerabilities {found or 'none'}; anomalies {anomalies or 'none'}")
sys.exit(1 if found or anomalies else 0)
PY
  [ $? -eq 0 ] || findings=$((findings + 1))
}

echo "== wapiti, anonymous (budget ${minutes} min)"
run_wapiti anonymous
echo "== wapiti, signed in (budget ${minutes} min)"
run_wapiti staff "$session"

grep -c '" 500 ' "$work/server.log" | xargs -I{} echo "== server answered 500 {} times"
if grep -q '" 500 ' "$work/server.log"; then findings=$((findings + 1)); fi
echo "== findings: $findings"
exit $((findings > 0))
