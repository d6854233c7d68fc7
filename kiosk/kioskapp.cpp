#include "kiosk/kioskapp.h"

#include "bus/curvekeys.h"
#include "bus/terminalbus.h"
#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "drivers/printer/escpos.h"
#include "drivers/printer/printer.h"
#include "kiosk/kioskcontroller.h"
#include "kiosk/translator.h"
#include "ui/screen.h"

#include <QQmlApplicationEngine>
#include <QQmlEngineExtensionPlugin>
#include <QQuickWindow>

// The QML modules are static plugins linked into this library's users.
Q_IMPORT_QML_PLUGIN(Hall_ControlsPlugin)
Q_IMPORT_QML_PLUGIN(Hall_KioskPlugin)

namespace hall::kiosk {

namespace {
constexpr int kMaxLogoDots = 240; // 30 mm of paper
} // namespace

KioskApp::KioskApp(KioskConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{
}

KioskApp::~KioskApp()
{
    // The window goes first: its bindings read the controller.
    m_engine.reset();
    m_controller.reset();
    m_printer.reset();
    m_state.reset();
    m_client.reset();
}

bool KioskApp::start(QString *error)
{
    if (!bus::connectTerminal(m_ctx, m_config, QStringLiteral("the kiosk's"), &m_client, &m_state, error))
        return false;
    if (m_config.printer) {
        drivers::IoError ioError;
        auto transport = drivers::makeTransport(*m_config.printer, &ioError);
        if (!transport) {
            *error = QStringLiteral("the printer: %1").arg(ioError.message);
            return false;
        }
        m_printer = std::make_unique<printer::Printer>(std::move(transport));
    }
    m_controller = std::make_unique<KioskController>(m_config, *m_client, *m_state, m_printer.get());
    if (!m_config.logoFile.isEmpty()) {
        const QImage logo(m_config.logoFile);
        if (logo.isNull()) {
            *error = QStringLiteral("the printer logo %1 is not a readable image").arg(m_config.logoFile);
            return false;
        }
        // As it will be printed (scaled to the paper's width), a logo taller than this costs
        // more paper and seconds than a ticket is worth.
        printer::TicketLayout layout;
        layout.paper = m_config.paper();
        const int heightDots = printer::toMonoImage(logo, 128, layout.widthDots()).heightDots;
        if (heightDots > kMaxLogoDots) {
            *error = QStringLiteral("the printer logo %1 would be %2 dots tall on the paper; at most %3").arg(m_config.logoFile).arg(heightDots).arg(kMaxLogoDots);
            return false;
        }
        m_controller->setLogo(logo);
    }
    return true;
}

bool KioskApp::showWindow(QString *error)
{
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_translator = std::make_unique<ScreenTranslator>(*m_engine, QStringLiteral("kiosk"));
    m_translator->setLanguage(m_controller->language());
    connect(m_controller.get(), &KioskController::languageChanged, m_translator.get(), [this] { m_translator->setLanguage(m_controller->language()); });
    return ui::loadScreen(*m_engine, QUrl(QStringLiteral("qrc:/Hall/Kiosk/Main.qml")),
                          {{QStringLiteral("kiosk"), QVariant::fromValue(static_cast<QObject *>(m_controller.get()))}}, QStringLiteral("kiosk"), error);
}

QQuickWindow *KioskApp::window() const
{
    return ui::rootWindow(m_engine.get());
}

bool KioskApp::grab(const QString &path, QString *error) const
{
    return ui::grabScreen(window(), path, error);
}

} // namespace hall::kiosk
