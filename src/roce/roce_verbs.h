/* The verbs vocabulary lives in the public headers (include/lagnic). */
#ifndef LAGNIC_ROCE_VERBS_H
#define LAGNIC_ROCE_VERBS_H

#include "lagnic/verbs.h"

#endif
