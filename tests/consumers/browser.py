"""Opens modelgate's HTML report in headless Chromium (through ChromeDriver),
uses its filters and sorting as a reader would, saves a screenshot, and
prints what the page showed as JSON; tests/consumers.rs asserts on it.

usage: browser.py REPORT.html SCREENSHOT.png
"""

import json
import pathlib
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select


def main(report: str, screenshot: str) -> None:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="modelgate-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1800",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(pathlib.Path(report).resolve().as_uri())
        seen = {"title": driver.title, "browser": driver.capabilities.get("browserVersion")}

        def rows():
            out = []
            for tr in driver.find_elements(By.CSS_SELECTOR, "#model-table tbody tr"):
                if tr.is_displayed():
                    out.append([td.text for td in tr.find_elements(By.TAG_NAME, "td")])
            return out

        def shown():
            return driver.find_element(By.ID, "shown-count").text

        seen["controls_visible"] = driver.find_element(By.ID, "filter-controls").is_displayed()
        seen["rows"] = rows()
        seen["shown"] = shown()
        category = Select(driver.find_element(By.ID, "category-filter"))
        status = Select(driver.find_element(By.ID, "status-filter"))
        category.select_by_value("non-commercial")
        seen["non_commercial"] = rows()
        seen["non_commercial_shown"] = shown()
        status.select_by_value("error")
        seen["non_commercial_errors"] = rows()
        category.select_by_value("")
        status.select_by_value("")
        seen["reset_shown"] = shown()
        uses = driver.find_element(By.CSS_SELECTOR, "#model-table thead th:nth-child(4) button")
        uses.click()
        uses.click()
        seen["by_uses_descending"] = [row[0] for row in rows()]
        seen["uses_sort_state"] = driver.find_element(
            By.CSS_SELECTOR, "#model-table thead th:nth-child(4)"
        ).get_attribute("aria-sort")
        model = driver.find_element(By.CSS_SELECTOR, "#model-table thead th:nth-child(1) button")
        model.click()
        seen["by_model_ascending"] = [row[0] for row in rows()]
        seen["pwned"] = driver.execute_script("return window.pwned === undefined ? null : window.pwned;")
        seen["img_elements"] = len(driver.find_elements(By.TAG_NAME, "img"))
        seen["script_elements"] = len(driver.find_elements(By.TAG_NAME, "script"))
        seen["waivers_rows"] = [
            [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in driver.find_elements(By.CSS_SELECTOR, "#waivers-table tbody tr")
        ]
        seen["console_errors"] = [
            entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
        ]
        height = driver.execute_script("return document.documentElement.scrollHeight;")
        driver.set_window_size(1280, min(int(height) + 100, 16000))
        driver.save_screenshot(screenshot)
        print(json.dumps(seen))
    finally:
        driver.quit()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
