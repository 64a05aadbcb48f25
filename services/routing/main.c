/*
 * main.c — welfare-routing: dongs and hubs, visiting staff, visit requests and day plans (README.md).
 */
#include "routing.h"

int main(int argc, char **argv)
{
    return wh_service_main(routing_service_def(), argc, argv);
}
