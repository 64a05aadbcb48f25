/*
 * programmes.c — the programmes a person can be enrolled in, declared as data.
 *
 * Being enrolled in any of them makes a person one of the district's "people subject to welfare"
 * (seed 004: beneficiaries of national basic livelihood security, the self-supporting system for the
 * secondary poor, single-parent households, basic old-age pension, people with disabilities, infants,
 * children of low-income families), plus the district's own ordinances for residents who fail the
 * national criteria ([Emergency Aid], [Stable living for Low-income Residents]).  National basic
 * livelihood security is enrolled per benefit.  A new programme is a new row; codes are stored in
 * enrolments, so a row is never renamed or removed.
 */
#include <string.h>

#include "roster.h"

const intake_programme intake_programmes[] = {
    {"nbls_living", "국민기초생활보장 생계급여", "National basic livelihood security: living benefit",
     "national"},
    {"nbls_medical", "국민기초생활보장 의료급여", "National basic livelihood security: medical benefit",
     "national"},
    {"nbls_housing", "국민기초생활보장 주거급여", "National basic livelihood security: housing benefit",
     "national"},
    {"nbls_education", "국민기초생활보장 교육급여", "National basic livelihood security: education benefit",
     "national"},
    {"secondary_poor", "차상위계층 자활", "Self-supporting system for the secondary poor", "national"},
    {"single_parent", "한부모가족 지원", "Single-parent family support", "national"},
    {"basic_pension", "기초연금", "Basic old-age pension", "national"},
    {"disability_pension", "장애인연금", "Disability pension", "national"},
    {"disability_allowance", "장애수당", "Disability allowance", "national"},
    {"infant_care", "영유아 보육료 지원", "Infant care support", "national"},
    {"child_low_income", "저소득 아동 지원", "Low-income child support", "national"},
    {"ordinance_emergency", "구 긴급지원 조례", "District ordinance: emergency aid", "district"},
    {"ordinance_stabilisation", "구 저소득주민 생활안정 조례",
     "District ordinance: low-income living stabilisation", "district"},
};
const size_t intake_programmes_count = sizeof intake_programmes / sizeof intake_programmes[0];

const intake_programme *intake_programme_find(const char *code)
{
    for (size_t i = 0; code && i < intake_programmes_count; i++)
        if (strcmp(intake_programmes[i].code, code) == 0)
            return &intake_programmes[i];
    return NULL;
}
