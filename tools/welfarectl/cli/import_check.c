/*
 * import_check.c — one referral row checked offline exactly as intake checks it: the bus's text policy
 * (common/src/text_policy.c, what the command socket applies before any handler) and intake's own
 * intake_validate_referral (services/intake/validate.c, linked into welfarectl — the same code, not a
 * copy), then the frame limit.  What only the database knows (a reporter that does not exist) is left
 * to intake's reply.
 */
#include <stdio.h>
#include <string.h>

#include "intake.h"
#include "wctl.h"
#include "wh/status.h"
#include "wh/text.h"

int wctl_referral_check(ProtobufCMessage *m, wctl_row_failure *f)
{
    const char *why = NULL;
    intake_checked checked;
    intake_error err;
    size_t bytes;

    memset(f, 0, sizeof *f);
    if (wh_text_policy_apply(m, f->field, sizeof f->field, &why) != 0) {
        f->status = WH_INVALID_ARGUMENT;
        snprintf(f->message, sizeof f->message, "%s", why ? why : "invalid text");
        return -1;
    }
    if (intake_validate_referral((const Welfare__Intake__V1__SubmitReferral *)m, &checked, &err) != 0) {
        f->status = WH_INVALID_ARGUMENT;
        snprintf(f->field, sizeof f->field, "%s", err.field);
        snprintf(f->message, sizeof f->message, "%s", err.message ? err.message : "invalid");
        memset(&checked, 0, sizeof checked);
        return -1;
    }
    memset(&checked, 0, sizeof checked); /* parsed numbers do not outlive the check */
    bytes = protobuf_c_message_get_packed_size(m);
    if (bytes > WCTL_MAX_ROW_BYTES) {
        f->status = WH_TOO_LARGE;
        snprintf(f->message, sizeof f->message, "row is %zu bytes encoded; a row may be at most %d", bytes,
                 WCTL_MAX_ROW_BYTES);
        return -1;
    }
    return 0;
}
