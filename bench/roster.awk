# roster.awk — a national list of ROWS rows for `welfarectl import roster` (bench): ROWS/2 persons, each
# in two programmes (a basic pension from 2014, a medical benefit from 2016; one in four ended), with
# valid resident numbers (century digit 2, 500 a day from 1930) and the list's Korean headers, in 20
# dongs 26500900NN.  Usage: awk -v rows=100000 -f bench/roster.awk >roster.csv
function rrn(k,    t, y, m, d, s, i, sum, w) {
    t = 1 + int(k / 500)
    # days from 1930-01-01, month by month (good for 500 persons a day up to ~ 2 million rows)
    y = 1930; m = 1; d = t
    while (d > mdays(y, m)) { d -= mdays(y, m); m++; if (m > 12) { m = 1; y++ } }
    s = sprintf("%02d%02d%02d2%05d", y % 100, m, d, 20000 + k % 500)
    split("2 3 4 5 6 7 8 9 2 3 4 5", w, " ")
    sum = 0
    for (i = 1; i <= 12; i++) sum += substr(s, i, 1) * w[i]
    return substr(s, 1, 6) "-" substr(s, 7, 6) ((11 - sum % 11) % 10)
}
function mdays(y, m) {
    if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
    return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
}
BEGIN {
    n = int(rows / 2)
    print "주민등록번호,성명,주소,행정동코드,사업코드,시작일,종료일"
    for (pass = 0; pass < 2; pass++)
        for (k = 0; k < n; k++)
            printf "%s,수급자 %d,\"부산광역시 수영구 명단로 %d\",26500900%02d,%s,%s,%s\n", rrn(k), k, k, k % 20,
                pass ? "nbls_medical" : "basic_pension",
                sprintf("%d-%02d-%02d", pass ? 2016 : 2014, 1 + k % 12, 1 + k % 28),
                k % 4 == 0 ? (pass ? "2016-12-31" : "2015-06-30") : ""
}
