/*
 * main.c — welfare-registry: providers, resources, matching and capacity (see README.md).
 */
#include "registry.h"

int main(int argc, char **argv)
{
    return wh_service_main(registry_service_def(), argc, argv);
}
