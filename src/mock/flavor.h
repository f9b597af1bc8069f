// Which provider the mock imitates: declared in the public rollgate/mock.h; this header is kept
// so the mock's internal files can name it without the provider class.
#pragma once

#include "rollgate/mock.h"
