#include "ui/theme.h"

#include <QApplication>
#include <QPalette>
#include <QProxyStyle>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOptionButton>

namespace moescope {

namespace {
    Theme g_theme = Theme::Light; // the application's palette is process-wide state already; this mirrors it

    QPalette darkPalette()
    {
        QPalette p;
        const QColor window(0x2b, 0x2e, 0x33), base(0x1f, 0x22, 0x26), text(0xe6, 0xe8, 0xeb);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, window);
        p.setColor(QPalette::ToolTipBase, base);
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, window);
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::BrightText, Qt::red);
        p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xf5));
        p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb0));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x90, 0x98));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x7a, 0x7f, 0x86));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x7a, 0x7f, 0x86));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x7a, 0x7f, 0x86));
        return p;
    }

    // Fusion outlines check boxes and radio buttons in the window colour darkened, which on the dark palette is the
    // colour of the fields they sit on: an unchecked box vanished (the Quantization panel's variants looked like plain
    // labels). On the dark palette they are outlined from a light grey instead; everything else is Fusion's.
    class ThemedFusionStyle : public QProxyStyle {
    public:
        ThemedFusionStyle()
            : QProxyStyle(QStyleFactory::create("Fusion"))
        {
        }

        void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
            const QWidget* widget) const override
        {
            const auto* button = qstyleoption_cast<const QStyleOptionButton*>(option);
            if (g_theme == Theme::Dark && button
                && (element == PE_IndicatorCheckBox || element == PE_IndicatorRadioButton)) {
                QStyleOptionButton outlined = *button;
                outlined.palette.setColor(QPalette::Window, kDarkIndicatorFrame);
                QProxyStyle::drawPrimitive(element, &outlined, painter, widget);
                return;
            }
            QProxyStyle::drawPrimitive(element, option, painter, widget);
        }

    private:
        // Fusion draws the frame in this colour darkened 1.4x and lightened 1.1x: about #8a9098, the dark
        // palette's placeholder grey.
        static inline const QColor kDarkIndicatorFrame { 0xb0, 0xb7, 0xc1 };
    };
} // namespace

void applyTheme(Theme theme)
{
    g_theme = theme;
    if (!dynamic_cast<ThemedFusionStyle*>(QApplication::style()))
        QApplication::setStyle(new ThemedFusionStyle); // the application takes ownership
    QApplication::setPalette(theme == Theme::Dark ? darkPalette() : QApplication::style()->standardPalette());
    QSettings().setValue("ui/theme", theme == Theme::Dark ? "dark" : "light");
}

Theme currentTheme() { return g_theme; }

Theme themeFromSettings() { return QSettings().value("ui/theme").toString() == "dark" ? Theme::Dark : Theme::Light; }

} // namespace moescope
