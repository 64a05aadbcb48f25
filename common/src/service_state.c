/*
 * service_state.c — what a service's own code may ask of the running service: its state, loop,
 * name and HTTP endpoint.  Kept apart from the lifecycle so that linking these pulls in nothing else.
 */
#include "bus_internal.h"

void wh_service_set_state(wh_service *svc, void *state)
{
    svc->state = state;
}

void *wh_service_state(wh_service *svc)
{
    return svc->state;
}

uv_loop_t *wh_service_loop(wh_service *svc)
{
    return svc->loop;
}

const char *wh_service_name(const wh_service *svc)
{
    return svc->def->name;
}

wh_http *wh_service_http(wh_service *svc)
{
    return svc->http;
}
