#include "kiosk/kioskapp.h"

#include "bus/curvekeys.h"
#include "bus/terminalbus.h"
#include "bus/hallclient.h"
#include "bus/hallstate.h"
#include "drivers/printer/escpos.h"
#include "drivers/printer/printer.h"
#include "kiosk/kioskcontroller.h"
#include "kiosk/translator.h"

#include <QImage>
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
    m_engine->addImportPath(QStringLiteral("qrc:/"));
    m_translator = std::make_unique<ScreenTranslator>(*m_engine, QStringLiteral("kiosk"));
    m_translator->setLanguage(m_controller->language());
    connect(m_controller.get(), &KioskController::languageChanged, m_translator.get(), [this] { m_translator->setLanguage(m_controller->language()); });
    m_engine->setInitialProperties({{QStringLiteral("kiosk"), QVariant::fromValue(static_cast<QObject *>(m_controller.get()))}});
    QStringList warnings;
    connect(m_engine.get(), &QQmlEngine::warnings, this, [&warnings](const QList<QQmlError> &list) {
        for (const auto &w : list)
            warnings << w.toString();
    });
    m_engine->load(QUrl(QStringLiteral("qrc:/Hall/Kiosk/Main.qml")));
    if (!window()) {
        *error = QStringLiteral("the kiosk screen did not load: %1").arg(warnings.join(QStringLiteral("; ")));
        return false;
    }
    return true;
}

QQuickWindow *KioskApp::window() const
{
    if (!m_engine || m_engine->rootObjects().isEmpty())
        return nullptr;
    return qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
}

bool KioskApp::grab(const QString &path, QString *error) const
{
    QQuickWindow *w = window();
    if (!w) {
        *error = QStringLiteral("no window to grab");
        return false;
    }
    const QImage image = w->grabWindow();
    if (image.isNull() || !image.save(path)) {
        *error = QStringLiteral("cannot write the screenshot %1").arg(path);
        return false;
    }
    return true;
}

} // namespace hall::kiosk
