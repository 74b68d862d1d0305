#pragma once
// Registers the compiled-in resources (icons). The resource data sits in a static library whose objects the linker
// drops unless something refers to them; this call is that reference. Idempotent.
void moescopeInitResources();
