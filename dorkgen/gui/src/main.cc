// dorkgen-pro: the desktop front end of Dork Generator Pro.
#include <QApplication>

#include "dorkgen/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("dorkgen");
  QApplication::setApplicationName("dorkgen-pro");
  QApplication::setApplicationDisplayName("Dork Generator Pro");
  dorkgen::MainWindow window;
  window.show();
  return QApplication::exec();
}
