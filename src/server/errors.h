// The error table and error bodies moved to server/wire.h (the one file of the wire format).
#pragma once

#include "server/wire.h"
