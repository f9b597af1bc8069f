// placeholder: the mock provider is being written.
#include "mock/mock_provider.h"
