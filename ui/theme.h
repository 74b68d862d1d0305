#pragma once
// Light and dark palettes (Fusion style), chosen by the user and remembered in QSettings.

#include <QString>

namespace moescope {

enum class Theme { Light, Dark };

void applyTheme(Theme theme);
Theme currentTheme();
Theme themeFromSettings();

} // namespace moescope
