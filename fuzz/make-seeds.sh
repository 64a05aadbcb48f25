#!/bin/bash
# make-seeds.sh — writes the seed corpora fuzz/corpus/<target>/ from the text-format messages below
# (protoc-c --encode), so the seeds stay readable and follow the contract when it changes.
#
# A service target's input is one byte choosing the row (commands in table order, then subscribed
# events) and the payload; every row gets a seed with an empty payload, the rows below a realistic one.
# The envelope target gets whole command frames.  Run it from the top of the tree and commit the result.
set -eu
cd "$(dirname "$0")/.."

encode() { # encode TYPE TEXT → binary on stdout
    printf '%s\n' "$2" | protoc-c --proto_path=proto --encode="$1" $(cd proto && find . -name '*.proto' | sed 's|^\./||')
}

# seed TARGET ROW NAME TYPE TEXT
seed() {
    local out=fuzz/corpus/$1/$3
    { printf "\\x$(printf %02x "$2")"; encode "$4" "$5"; } >"$out"
}

# rows TARGET COUNT: one seed per row with an empty payload
rows() {
    for ((i = 0; i < $2; i++)); do printf "\\x$(printf %02x $i)" >"fuzz/corpus/$1/row-$i"; done
}

for t in intake case registry routing reporting envelope reporting_http allowlist config; do
    rm -rf "fuzz/corpus/$t" && mkdir -p "fuzz/corpus/$t"
done

rows intake 6
seed intake 0 submit-referral welfare.intake.v1.SubmitReferral 'channel: 2 reporter_id: 3
  household { address: "수영로 12, 301호" dong_code: "2650051000" location { latitude: 35.16 longitude: 129.11 } }
  persons { rrn: "450101-1234567" name: "김철수" birth_date: "1945-01-01" phone: "010-1234-5678" }
  persons { rrn: "480202-2234561" name: "이영희" }
  concern: "lives alone, unpaid rent" risk { months_rent_arrears: 3 lives_alone: true } reported_on: "2026-03-02"'
seed intake 1 register-reporter welfare.intake.v1.RegisterReporter 'name: "망미2동 통장협의회" channel: 1'
seed intake 2 resolve-duplicate welfare.intake.v1.ResolveDuplicate 'household_id: 1 other_household_id: 2 resolution: 1'
seed intake 5 import-referral-block welfare.intake.v1.ImportReferralBlock 'import_id: "seed" block_no: 0
  rows { line: 2 referral { channel: 3 household { address: "수영로 12, 301호" dong_code: "2650051000" }
    persons { rrn: "450101-1234567" name: "김철수" phone: "010-1234-5678" }
    risk { months_rent_arrears: 3 lives_alone: true } reported_on: "2026-03-02" } }
  rows { line: 3 referral { channel: 3 household { address: "수영로 12, 301호" dong_code: "2650051000" }
    persons { rrn: "450101-1234568" name: "김철수" } reported_on: "2026-03-02" } }
  rows { line: 4 }'

rows case 17
seed case 0 open-case welfare.case.v1.OpenCase 'household_id: 7 dong_code: "2650051000"
  location { latitude: 35.16 longitude: 129.11 } risk_score: 70 opened_on: "2026-03-02"'
seed case 2 assess-needs welfare.case.v1.AssessNeeds 'case_id: 1 needs { domain: 1 severity: 3 } assessed_on: "2026-03-05"'
seed case 7 get-case welfare.case.v1.GetCase 'case_id: 1'

rows registry 9
seed registry 1 register-resource welfare.registry.v1.RegisterResource 'provider_id: 1 domain: 2 kind: 1
  dong_code: "2650051000" capacity: 10 amount_krw: 500000'
seed registry 2 match-needs welfare.registry.v1.MatchNeeds 'dong_code: "2650051000" hub_dong_code: "2650051000"
  location { latitude: 35.16 longitude: 129.11 } limit: 5'

rows routing 8
seed routing 0 define-dong welfare.routing.v1.DefineDong 'dong_code: "2650051000" name: "수영동" hub_type: 1
  centre { latitude: 35.16 longitude: 129.11 }'
seed routing 1 register-staff welfare.routing.v1.RegisterStaff 'name: "박간호" role: 2 employment: 1
  hub_dong_code: "2650051000" shift_start_minute: 540 shift_end_minute: 1080 skills: "nursing" active_from: "2026-01-01"'
seed routing 2 deactivate-staff welfare.routing.v1.DeactivateStaff 'staff_id: 1 active_until: "2026-12-31"'
seed routing 3 plan-day welfare.routing.v1.PlanDay 'hub_dong_code: "2650051000" date: "2026-03-10"'

rows reporting 14
seed reporting 0 query-kpi welfare.reporting.v1.QueryKpi 'selection { dong_codes: "2650051000" dong_codes: "2650052000"
  from_on: "2026-01-01" to_on: "2026-06-30" }'
seed reporting 1 compare-kpi welfare.reporting.v1.CompareKpi ''

payload=$(encode welfare.reporting.v1.QueryKpi 'selection { from_on: "2026-01-01" to_on: "2026-12-31" }' | od -An -tx1 | tr -d ' \n' | sed 's/../\\x&/g')
encode welfare.bus.v1.Envelope "message_id: \"0c7e-cli:42\" type: \"welfare.reporting.v1.QueryKpi\" correlation_id: \"c-1\"
  producer: \"cli\" time_unix_ms: 1767225600000 payload: \"$payload\"" >fuzz/corpus/envelope/query-kpi
encode welfare.bus.v1.Envelope 'message_id: "m-2" type: "welfare.bus.v1.FetchEvents"' >fuzz/corpus/envelope/fetch-events
encode welfare.bus.v1.Envelope 'message_id: "bad id with spaces" type: "welfare.intake.v1.SubmitReferral"' \
    >fuzz/corpus/envelope/bad-id
encode welfare.bus.v1.Envelope 'message_id: "m-3" type: "welfare.nowhere.v1.Unknown"' >fuzz/corpus/envelope/unknown-type

printf '\x00dongs=2650051000,2650052000&from=2026-01-01&to=2026-06-30' >fuzz/corpus/reporting_http/api-kpi
printf '\x01from=2026-02-01&to=2026-02-28' >fuzz/corpus/reporting_http/dashboard
printf '\x00from=2026-02-30&to=2026-13-01&dongs=%%ff%%fe' >fuzz/corpus/reporting_http/bad-dates
printf '\x02' >fuzz/corpus/reporting_http/metrics

cat >fuzz/corpus/allowlist/typical <<'LIST'
# name        role      public key (Z85)                           grants
intake        service   Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID
cli           operator  D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs
agency-fire   agency    rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7   welfare.intake.v1.SubmitReferral stream:intake
LIST

printf '\x00115' >fuzz/corpus/config/number
printf '\x01postgresql://intake@localhost/welfare\n' >fuzz/corpus/config/file
printf '\x02JTKVSB%%%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6\nrq:rM>}U?@Lns47E1%%kR.o@n%%FcmmsL/@{H8]yf7\n' \
    >fuzz/corpus/config/key
echo "seeds written to fuzz/corpus/"
