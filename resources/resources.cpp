#include "resources.h"

#include <QtCore/QDir>

void moescopeInitResources()
{
    Q_INIT_RESOURCE(moescope);
}
