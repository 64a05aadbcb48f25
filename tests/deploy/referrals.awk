# referrals.awk — synthetic referrals for the deployment test, as welfarectl's import CSV.
#
#   awk -v first=1 -v last=40 [-v repeat=1] [-v reporter=ID] -f referrals.awk
#
# Row i is its own household (name, address and resident number derived from i) in one of the two
# test dongs; one in three has a second person; every other household is unknown to any programme
# (a blind spot); every fifth is an older person living alone with utility and rent arrears (risk 60,
# above the case service's default threshold of 50).  Resident numbers are well-formed, with a valid
# check digit, and region digits 96-99, which were never issued.  With -v repeat=I the output is one
# more referral naming row I's head of household again, weeks later (intake must match it).  The
# last line, on stderr, is what the rows add to the KPI: "persons P blind B cases C".  With -v reporter=ID
# every row is a partner agency's referral as that reporter (what an agency may file: its own channel
# and its own reporter, services/intake/identity.c).
BEGIN {
    OFS = ","
    split("김 이 박 최 정 강 조 윤 장 임", surname, " ")
    split("민 서 지 현 영 순 정 수 미 호", syl1, " ")
    split("준 희 아 우 자 철 숙 훈 연 경", syl2, " ")
    print "channel,reporter_id,reported_on,household.dong_code,household.address,household.known_to_programme," \
          "persons.0.name,persons.0.rrn,persons.1.name,persons.1.rrn," \
          "risk.months_utility_arrears,risk.months_rent_arrears,risk.lives_alone,concern"
    if (repeat != "") {
        emit(repeat, 1)
    } else {
        for (i = first; i <= last; i++)
            emit(i, 0)
    }
    printf "persons %d blind %d cases %d\n", persons, blind, cases > "/dev/stderr"
}

function name_of(i) {
    return surname[i % 10 + 1] syl1[int(i / 10) % 10 + 1] syl2[int(i / 100) % 10 + 1]
}

# YYMMDD-GNNNNNC for someone born on 19yy-mm-dd, serial s; the check digit over the first twelve.
function rrn(yy, mm, dd, g, s,    d, sum, k, w) {
    d = sprintf("%02d%02d%02d%d%02d%03d", yy, mm, dd, g, 96 + s % 4, int(s / 4) % 1000)
    split("2 3 4 5 6 7 8 9 2 3 4 5", w, " ")
    sum = 0
    for (k = 1; k <= 12; k++)
        sum += substr(d, k, 1) * w[k]
    return substr(d, 1, 6) "-" substr(d, 7) (11 - sum % 11) % 10
}

function emit(i, again,    dong, known, elderly, yy, head, second, utility, rent, alone, day) {
    dong = i % 2 ? "2650051000" : "2650052000"
    known = i % 2 ? "true" : "false"
    elderly = i % 5 == 0
    yy = elderly ? 40 + i % 15 : 60 + i % 35
    head = rrn(yy, i % 12 + 1, i % 28 + 1, 1 + i % 2, 2 * i)
    second = i % 3 == 0 ? rrn(yy + 3, (i + 5) % 12 + 1, (i + 9) % 28 + 1, 2 - i % 2, 2 * i + 1) : ""
    utility = elderly ? 4 : i % 2
    rent = elderly ? 3 : 0
    alone = elderly ? "true" : "false"
    day = again ? 28 : i % 27 + 1
    print reporter != "" || again ? "partner_agency" : "safety_net", reporter + 0, sprintf("2026-05-%02d", day), dong,
        "부산광역시 수영구 시험로 " i, known, name_of(i), head,
        again || second == "" ? "" : name_of(i + 7), again ? "" : second,
        utility, rent, alone, again ? "다시 신고됨" : "이웃의 신고"
    if (again)
        return
    persons += second == "" ? 1 : 2
    blind += known == "false"
    cases += elderly
}
