/*
 * drive_setup.c — the district's fixed parts: dongs and hubs (routing), visiting staff (routing),
 * providers and their resources (registry).  Basic-type dongs are defined before the sphere-type
 * dongs they serve, as routing requires.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "drive.h"
#include "welfare/intake/v1/safety_net.pb-c.h"
#include "welfare/registry/v1/commands.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"
#include "wh/status.h"

static bool is_basic(const demo_dong *d)
{
    return strcmp(d->code, d->hub_code) == 0;
}

static int define_dong(demo_run *run, size_t i)
{
    const demo_dong *d = &demo_dongs[i];
    Welfare__Routing__V1__DefineDong q = WELFARE__ROUTING__V1__DEFINE_DONG__INIT;
    Welfare__Common__V1__GeoPoint centre = WELFARE__COMMON__V1__GEO_POINT__INIT;
    ProtobufCMessage *reply = NULL;
    centre.latitude = d->latitude;
    centre.longitude = d->longitude;
    q.dong_code = (char *)d->code;
    char name[96];
    snprintf(name, sizeof name, "%s (%s)", d->name_ko, d->name_en);
    q.name = name;
    q.hub_type = is_basic(d) ? WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC
                             : WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_SPHERE;
    q.hub_dong_code = (char *)d->hub_code;
    q.centre = &centre;
    q.live_from = (char *)d->live_from;
    /* "dong-live": the definition with its go-live (before it, "dong" defined the dongs without one,
     * and a message id is the same command's only) */
    int rc = demo_call(run, run->routing, "dong-live", i, &q.base,
                       &welfare__routing__v1__define_dong_reply__descriptor, &reply);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* Intake refuses a referral naming a dong it has not learnt from routing yet (services/intake/dongs.c):
 * waits (up to 30 s) until it knows every dong, asking with the cheapest command that checks one —
 * a safety-net tally filtered by the dong — so the referrals that follow are not refused. */
static int wait_intake_knows(demo_run *run)
{
    for (size_t i = 0; i < demo_dongs_count; i++)
        for (int tries = 0;; tries++) {
            Welfare__Intake__V1__GetSafetyNetTally q = WELFARE__INTAKE__V1__GET_SAFETY_NET_TALLY__INIT;
            q.dong_code = (char *)demo_dongs[i].code;
            ProtobufCMessage *reply = NULL;
            whc_error err;
            memset(&err, 0, sizeof err);
            int rc = whc_call(run->intake, &q.base,
                              &welfare__intake__v1__get_safety_net_tally_reply__descriptor, &reply, &err);
            if (reply)
                protobuf_c_message_free_unpacked(reply, NULL);
            if (rc == 0)
                break;
            if ((rc != WH_INVALID_ARGUMENT && rc != WH_UNAVAILABLE) || tries >= 300) {
                fprintf(stderr, "\ndemo: intake does not know dong %s: %s: %s\n", demo_dongs[i].code,
                        wh_status_name(rc), err.message);
                return rc;
            }
            nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
        }
    return 0;
}

int demo_define_dongs(demo_run *run)
{
    size_t done = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < demo_dongs_count; i++) {
            if (is_basic(&demo_dongs[i]) != (pass == 0))
                continue;
            int rc = define_dong(run, i);
            if (rc == WH_UNAVAILABLE)
                return rc;
            demo_progress(run, "dongs and hubs", ++done, demo_dongs_count);
        }
    return wait_intake_knows(run);
}

static int deactivate(demo_run *run, size_t i)
{
    Welfare__Routing__V1__DeactivateStaff q = WELFARE__ROUTING__V1__DEACTIVATE_STAFF__INIT;
    ProtobufCMessage *reply = NULL;
    q.staff_id = run->staff_ids[i];
    q.active_until = (char *)run->d->staff[i].active_until;
    int rc = demo_call(run, run->routing, "staff-leaves", i, &q.base,
                       &welfare__routing__v1__deactivate_staff_reply__descriptor, &reply);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

int demo_register_staff(demo_run *run)
{
    const demo_district *d = run->d;
    for (size_t i = 0; i < d->n_staff; i++) {
        const demo_staff *s = &d->staff[i];
        Welfare__Routing__V1__RegisterStaff q = WELFARE__ROUTING__V1__REGISTER_STAFF__INIT;
        Welfare__Routing__V1__RegisterStaffReply *reply = NULL;
        q.name = (char *)s->name;
        q.role = (Welfare__Common__V1__StaffRole)s->role;
        q.employment = (Welfare__Common__V1__Employment)s->employment;
        q.hub_dong_code = (char *)demo_dongs[s->hub].code;
        q.shift_start_minute = s->shift_start;
        q.shift_end_minute = s->shift_end;
        q.active_from = (char *)s->active_from;
        int rc =
            demo_call(run, run->routing, "staff", i, &q.base,
                      &welfare__routing__v1__register_staff_reply__descriptor, (ProtobufCMessage **)&reply);
        if (rc == WH_UNAVAILABLE)
            return rc;
        if (reply) {
            run->staff_ids[i] = reply->staff_id;
            protobuf_c_message_free_unpacked(&reply->base, NULL);
        }
        if (rc == 0 && s->active_until[0] && deactivate(run, i) == WH_UNAVAILABLE)
            return WH_UNAVAILABLE;
        demo_progress(run, "visiting staff", i + 1, d->n_staff);
    }
    return 0;
}

static int register_providers(demo_run *run)
{
    for (size_t i = 0; i < demo_providers_count; i++) {
        const demo_provider *p = &demo_providers[i];
        Welfare__Registry__V1__RegisterProvider q = WELFARE__REGISTRY__V1__REGISTER_PROVIDER__INIT;
        Welfare__Registry__V1__RegisterProviderReply *reply = NULL;
        q.name = (char *)p->name;
        q.kind = p->is_private ? WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE
                               : WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PUBLIC;
        q.has_mou = p->has_mou;
        q.dong_code = (char *)demo_dongs[p->dong].code;
        int rc = demo_call(run, run->registry, "provider", i, &q.base,
                           &welfare__registry__v1__register_provider_reply__descriptor,
                           (ProtobufCMessage **)&reply);
        if (rc == WH_UNAVAILABLE)
            return rc;
        if (reply) {
            run->provider_ids[i] = reply->provider_id;
            protobuf_c_message_free_unpacked(&reply->base, NULL);
        }
        demo_progress(run, "providers", i + 1, demo_providers_count);
    }
    return 0;
}

int demo_register_resources(demo_run *run)
{
    const demo_district *d = run->d;
    int rc = register_providers(run);
    for (size_t i = 0; rc == 0 && i < d->n_resources; i++) {
        const demo_resource *x = &d->resources[i];
        const demo_resource_kind *k = &demo_resource_kinds[x->kind];
        Welfare__Registry__V1__RegisterResource q = WELFARE__REGISTRY__V1__REGISTER_RESOURCE__INIT;
        ProtobufCMessage *reply = NULL;
        if (!run->provider_ids[x->provider])
            continue; /* its provider failed; reported already */
        q.provider_id = run->provider_ids[x->provider];
        q.domain = (Welfare__Common__V1__NeedDomain)k->domain;
        q.kind = (Welfare__Registry__V1__ResourceKind)k->kind;
        q.dong_code = (char *)demo_dongs[x->dong].code;
        q.capacity = x->capacity;
        q.amount_krw = x->amount_krw;
        q.discovered_on = (char *)x->discovered_on;
        q.title = (char *)k->title;
        q.eligibility_notes = (char *)"households assessed by the hub";
        rc = demo_call(run, run->registry, "resource", i, &q.base,
                       &welfare__registry__v1__register_resource_reply__descriptor, &reply);
        if (reply)
            protobuf_c_message_free_unpacked(reply, NULL);
        rc = rc == WH_UNAVAILABLE ? rc : 0;
        demo_progress(run, "resources", i + 1, d->n_resources);
    }
    return rc;
}
